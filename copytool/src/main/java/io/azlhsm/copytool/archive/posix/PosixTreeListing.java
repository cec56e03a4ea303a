package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.ObjectNames;
import io.azlhsm.copytool.archive.StoredObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists a posix archive like a flat blob container: every object (regular file or marker directory) whose name
 * starts with the prefix, in name order, a page at a time. The continuation token is the last name returned.
 *
 * <p>Names are ordered as Azure orders blob names, by the whole name: {@code a-c} comes before {@code a/b}, since
 * '-' sorts before '/'. The walk therefore sorts each directory's entries by the names they give rise to, a
 * subdirectory {@code s} standing for {@code s/} (all its objects) beside its own marker {@code s}, and descends only
 * into subtrees that can still hold names after the token and under the prefix. A page reads (readdir) and sorts the
 * directories on the way to the token, examines only the entries it returns or descends into, and holds one sorted
 * directory per level: memory is bounded by the largest directory, never by the tree.
 */
final class PosixTreeListing {
    private final Path root;
    private final Path versions;

    PosixTreeListing(Path root) {
        this.root = root;
        this.versions = root.resolve(PosixBackend.VERSIONS_DIRECTORY);
    }

    ObjectListing page(String prefix, String continuationToken, int pageSize) throws ArchiveException {
        Path start = startDirectory(prefix);
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return new ObjectListing(List.of(), null);
        }
        Page page = new Page(prefix, continuationToken, pageSize);
        try {
            String base = start.equals(root) ? "" : root.relativize(start) + "/";
            page.visit(start, base);
        } catch (IOException e) {
            throw PosixErrors.map(prefix, "listing", e);
        }
        List<StoredObject> objects = new ArrayList<>(Math.min(page.names.size(), pageSize));
        for (String name : page.names.subList(0, Math.min(page.names.size(), pageSize))) {
            try {
                StoredObject object = PosixBackend.storedObject(name, root.resolve(name));
                if (object != null) { // deleted since the walk: skip, as a later blob listing would
                    objects.add(object);
                }
            } catch (IOException e) {
                throw PosixErrors.map(name, "listing", e);
            }
        }
        String next = page.names.size() > pageSize ? page.names.get(pageSize - 1) : null;
        return new ObjectListing(objects, next);
    }

    /** One page being filled: the names found so far, up to one past the page to tell whether another follows. */
    private final class Page {
        private final String prefix;
        private final String token;
        private final int pageSize;
        private final List<String> names = new ArrayList<>();

        Page(String prefix, String token, int pageSize) {
            this.prefix = prefix;
            this.token = token;
            this.pageSize = pageSize;
        }

        /**
         * Adds the objects of one directory, whose objects' names start with {@code base}, in name order.
         *
         * @return true once the page is full
         */
        boolean visit(Path directory, String base) throws IOException {
            for (Entry entry : sortedEntries(directory, base)) {
                if (entry.key.compareTo(prefix) > 0 && !entry.key.startsWith(prefix)) {
                    return false; // this and every later key sort after all names under the prefix
                }
                if (entry.subtree) {
                    if (canHoldWanted(entry.key) && isDirectory(entry.path) && visit(entry.path, entry.key)) {
                        return true;
                    }
                } else if (entry.key.startsWith(prefix) && (token == null || entry.key.compareTo(token) > 0)
                        && isObject(entry.path)) {
                    names.add(entry.key);
                    if (names.size() > pageSize) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether names starting with {@code subtree} ("x/y/") can be under the prefix and after the token. */
        private boolean canHoldWanted(String subtree) {
            boolean underPrefix = subtree.startsWith(prefix) || prefix.startsWith(subtree);
            // a token beyond "x/y/" that does not start with it is beyond every name that does
            boolean afterToken = token == null || token.compareTo(subtree) < 0 || token.startsWith(subtree);
            return underPrefix && afterToken;
        }
    }

    /**
     * A name a directory entry may give rise to: its own (an object if it is a file or a marker directory), and
     * "name/" (its objects if it is a directory). Both are listed for every entry, unexamined, so that a page
     * examines (stat, xattrs) only the entries it returns or descends into, not the whole directory: a directory
     * of 100,000 subdirectories is read and sorted once a page, never 100,000 times examined.
     */
    private record Entry(String key, Path path, boolean subtree) {
    }

    private List<Entry> sortedEntries(Path directory, String base) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                if (child.equals(versions) || FidIndex.isIndexPath(root, child)) {
                    continue;
                }
                String name = base + child.getFileName();
                entries.add(new Entry(name, child, false));
                entries.add(new Entry(name + "/", child, true));
            }
        } catch (NoSuchFileException | NotDirectoryException gone) {
            return List.of(); // removed (or replaced) since its parent was read: nothing in it to list
        }
        entries.sort((a, b) -> a.key.compareTo(b.key));
        return entries;
    }

    private static boolean isDirectory(Path path) {
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** A regular file (not an upload's temporary file) or a marker directory; false for anything gone. */
    private static boolean isObject(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return false; // removed since its directory was read
        }
        if (attributes.isRegularFile()) {
            return !TemporaryObject.isTemporaryName(path.getFileName().toString());
        }
        return attributes.isDirectory() && isMarker(path);
    }

    private static boolean isMarker(Path directory) throws IOException {
        try {
            return ObjectXattrs.isMarker(directory);
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /** The deepest directory every match lies under: the prefix up to its last '/'. */
    private Path startDirectory(String prefix) throws ArchiveException {
        int slash = prefix.lastIndexOf('/');
        if (slash <= 0) {
            return root;
        }
        String directory = prefix.substring(0, slash);
        ObjectNames.validate(directory);
        Path start = root.resolve(directory).normalize();
        if (!start.startsWith(root)) {
            throw ArchiveException.of(Kind.INVALID, prefix, "the prefix resolves outside the archive root");
        }
        return start;
    }
}

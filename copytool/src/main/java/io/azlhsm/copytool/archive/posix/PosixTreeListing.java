package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.ObjectNames;
import io.azlhsm.copytool.archive.StoredObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists a posix archive like a flat blob container: every object (regular file or marker directory) whose name
 * starts with the prefix, in name order, a page at a time. The continuation token is the last name returned.
 *
 * <p>Each page walks the subtree under the prefix's directory again; posix archives serve tests and modest
 * on-premises trees, where that is cheaper than keeping cursor state between calls.
 */
final class PosixTreeListing {
    private final Path root;

    PosixTreeListing(Path root) {
        this.root = root;
    }

    ObjectListing page(String prefix, String continuationToken, int pageSize) throws ArchiveException {
        Path start = startDirectory(prefix);
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return new ObjectListing(List.of(), null);
        }
        List<String> names;
        try (Stream<Path> walk = Files.walk(start)) {
            Path versions = root.resolve(PosixBackend.VERSIONS_DIRECTORY);
            names = walk.filter(path -> !path.equals(root) && !path.startsWith(versions)
                            && !FidIndex.isIndexPath(root, path))
                    .filter(this::isObject)
                    .map(this::objectName)
                    .filter(name -> name.startsWith(prefix))
                    .filter(name -> continuationToken == null || name.compareTo(continuationToken) > 0)
                    .sorted()
                    .limit(pageSize + 1L)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            throw PosixErrors.map(prefix, "listing", cause);
        }
        List<StoredObject> objects = new ArrayList<>(Math.min(names.size(), pageSize));
        for (String name : names.subList(0, Math.min(names.size(), pageSize))) {
            try {
                StoredObject object = PosixBackend.storedObject(name, root.resolve(name));
                if (object != null) { // deleted since the walk: skip, as a later blob listing would
                    objects.add(object);
                }
            } catch (IOException e) {
                throw PosixErrors.map(name, "listing", e);
            }
        }
        String next = names.size() > pageSize ? names.get(pageSize - 1) : null;
        return new ObjectListing(objects, next);
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

    private boolean isObject(Path path) {
        try {
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                return !TemporaryObject.isTemporaryName(path.getFileName().toString());
            }
            return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && ObjectXattrs.isMarker(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String objectName(Path path) {
        return root.relativize(path).toString();
    }
}

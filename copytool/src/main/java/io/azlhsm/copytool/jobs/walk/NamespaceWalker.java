package io.azlhsm.copytool.jobs.walk;

import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.jobs.imports.ImportMarker;
import io.azlhsm.copytool.lustre.DirectoryDescriptor;
import io.azlhsm.copytool.lustre.HeldFile;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;

/**
 * Walks a tree of the mount depth first without following symlinks, each directory by its descriptor (see
 * {@link #walkDirectory}), leaving out what belongs to the jobs
 * themselves: the framework's {@code <mount>/.azlhsm} directory and the {@code IMPORT_<state>.<timestamp>} marker
 * file of a running import in the mount's root; and Lustre's {@code <mount>/.lustre} (FID access), in case a
 * client lists it.
 */
public final class NamespaceWalker {
    private final Path mount;

    public NamespaceWalker(Path mount) {
        this.mount = mount.toAbsolutePath().normalize();
    }

    /** True for the paths every job leaves alone. */
    public boolean isJobState(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        if (normal.equals(mount.resolve(JobStore.DIRECTORY_NAME)) || normal.equals(mount.resolve(".lustre"))) {
            return true;
        }
        return mount.equals(normal.getParent()) && ImportMarker.isMarkerName(normal.getFileName().toString());
    }

    /**
     * @param start a directory or file under the mount (absolute)
     * @throws Exception what the visitor threw, unchanged; IOException when start itself cannot be read
     */
    public void walk(Path start, NamespaceVisitor visitor) throws Exception {
        BasicFileAttributes attributes = Files.readAttributes(start, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (isJobState(start)) {
            return;
        }
        if (!attributes.isDirectory()) {
            try (HeldFile held = HeldFile.open(start, start.toString())) {
                visitEntry(start, held, attributes, visitor);
            }
            return;
        }
        try (DirectoryDescriptor directory = DirectoryDescriptor.open(start)) {
            walkDirectory(directory, start, attributes, visitor);
        }
    }

    /**
     * A directory held by its descriptor, then its entries: each is stat'ed, and a subdirectory opened, through it
     * ({@code /proc/self/fd/<dir>/<name>}, {@code openat}), so only the entry's own name is looked up (on Lustre each
     * name of a path walk is a lookup the client may have to ask the MDS for; a FUSE LOOKUP in the simulator, per
     * component of the path, each time); the visitor gets each file held by a descriptor for its own calls about it.
     */
    private void walkDirectory(DirectoryDescriptor directory, Path path, BasicFileAttributes attributes,
                               NamespaceVisitor visitor) throws Exception {
        visitor.directory(path, attributes);
        DirectoryStream<Path> entries;
        try {
            entries = Files.newDirectoryStream(Path.of("/proc/self/fd/" + directory.fd()));
        } catch (IOException e) {
            visitor.failed(path, e);
            return;
        }
        // entry by entry as the directory is read (one of millions is never held as a list), the stream open while
        // a subdirectory is walked, as Files.walkFileTree keeps it; only the listing's own failure is caught here,
        // what the visitor throws goes out unchanged
        try (entries) {
            Iterator<Path> listing = entries.iterator();
            while (true) {
                String name;
                try {
                    if (!listing.hasNext()) {
                        break;
                    }
                    name = listing.next().getFileName().toString();
                } catch (DirectoryIteratorException e) {
                    visitor.failed(path, e.getCause());
                    break;
                }
                walkEntry(directory, path.resolve(name), name, visitor);
            }
        }
    }

    /**
     * One entry of a held directory: held by an O_PATH descriptor opened through it and stat'ed through that, a
     * subdirectory walked, anything else visited with the descriptor. So the stat, the HSM state and the FID a job
     * asks about a file cost one lookup of its name between them, not one each (on Lustre a lookup the client may
     * have to send the MDS; in the simulator a LOOKUP and a GETATTR of the directory every time).
     */
    private void walkEntry(DirectoryDescriptor directory, Path child, String name, NamespaceVisitor visitor)
            throws Exception {
        if (isJobState(child)) {
            return;
        }
        HeldFile held;
        try {
            held = HeldFile.open(directory.entry(name), child.toString());
        } catch (IOException e) {
            visitor.failed(child, e);
            return;
        }
        BasicFileAttributes childAttributes;
        try (held) {
            try {
                // follows the descriptor's /proc/self/fd link to the entry itself (a symlink stays the symlink)
                childAttributes = Files.readAttributes(held.path(), BasicFileAttributes.class);
            } catch (IOException e) {
                visitor.failed(child, e);
                return;
            }
            if (!childAttributes.isDirectory()) {
                visitEntry(child, held, childAttributes, visitor); // what the visitor throws goes out unchanged
                return;
            }
        }
        DirectoryDescriptor sub;
        try {
            sub = directory.openChild(name, child.toString()); // a symlink put in its place is refused
        } catch (IOException e) {
            visitor.failed(child, e);
            return;
        }
        try (sub) {
            walkDirectory(sub, child, childAttributes, visitor);
        }
    }

    private static void visitEntry(Path path, HeldFile held, BasicFileAttributes attributes, NamespaceVisitor visitor)
            throws Exception {
        if (attributes.isRegularFile()) {
            visitor.file(path, held, attributes);
        } else {
            visitor.other(path, attributes);
        }
    }
}

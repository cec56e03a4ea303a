package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.jobs.export.DirectoryMarkers;
import io.azlhsm.copytool.jobs.requests.CancelCheck;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.LustreFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --propagate renames}: the file a RENME record moved, or every regular file under the directory it moved,
 * gets its archived copy moved to the blob name of its path now ({@link BlobMove}). Found by FID, so a file renamed
 * twice between passes moves once, to its last name; a file moved out of the exported path is left where it is.
 *
 * <p>The moved directory and every directory under it end as an export of the new tree leaves them: each gets its
 * marker (flat) or Data Lake directory with owner, group, mode and ACL under its new name before its files move in,
 * and once they have moved, the marker it recorded under its old name is deleted if it is this directory's
 * ({@link DirectoryMarkers#retire}), deepest first, so that a hierarchical account's old directories are empty when
 * their turn comes. A marker that cannot be deleted then (the account unreachable) is not tried again: the
 * directory records its new marker by then; the checker reports the old one as an orphan.
 */
final class RenamePropagation {
    private final Path mount;
    private final Path root;
    private final LustreFids fids;
    private final ArchiveBackend backend;
    private final BlobMove move;
    private final DirectoryMarkers markers;
    private final PropagationCounts counts;
    private final CancelCheck cancel;

    /** A renamed directory's marker under its old name, to be deleted once the directory's files moved out. */
    private record Retiring(Path directory, String oldName, LuFid fid) {
    }

    RenamePropagation(Path mount, Path root, LustreFids fids, ArchiveBackend backend, BlobMove move,
                      DirectoryMarkers markers, PropagationCounts counts, CancelCheck cancel) {
        this.mount = mount;
        this.root = root;
        this.fids = fids;
        this.backend = backend;
        this.move = move;
        this.markers = markers;
        this.counts = counts;
        this.cancel = cancel;
    }

    /** @return false when a file failed (the rename is to be tried again) */
    boolean renamed(LuFid fid) throws Exception {
        Optional<Path> found = MdtChangelogs.pathOf(fids, mount, root, fid);
        if (found.isEmpty()) {
            return true; // gone since, or now outside the exported path
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(found.get(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
            return true;
        }
        if (attributes.isRegularFile()) {
            return file(found.get(), fid);
        }
        if (!attributes.isDirectory()) {
            return true; // a symlink's blob is put again by the export, under its new name
        }
        boolean[] allMoved = {true};
        List<Retiring> retiring = new ArrayList<>();
        try {
            walk(found.get(), allMoved, retiring);
        } catch (IOException e) {
            counts.failed(Propagation.RENAMES, found.get().toString(), e); // moved or removed while walked
            allMoved[0] = false;
        }
        for (int i = retiring.size() - 1; i >= 0; i--) { // deepest first: their parents may empty with them
            retire(retiring.get(i));
        }
        return allMoved[0];
    }

    private void retire(Retiring old) {
        try {
            switch (markers.retire(old.oldName(), old.fid())) {
                case DELETED -> counts.done(Propagation.RENAMES, old.directory().toString(), "its marker "
                        + old.oldName() + " is now " + markers.objectName(old.directory()));
                case LEFT -> counts.left(Propagation.RENAMES, old.directory().toString(), "its old marker "
                        + old.oldName() + " is not this directory's, or is not empty");
                case GONE -> { }
            }
        } catch (Exception e) {
            counts.failed(Propagation.RENAMES, old.directory().toString(), e);
        }
    }

    /**
     * The directory's marker under its new name (before its files move in: on a hierarchical account they then
     * move into a directory with the directory's access control); its old one is remembered to be retired.
     */
    private void directory(Path directory, List<Retiring> retiring) throws Exception {
        Optional<String> old = markers.recorded(directory);
        if (old.isPresent() && old.get().equals(markers.objectName(directory))) {
            return; // at its name already (a rename undone, or propagated by an earlier attempt)
        }
        LuFid fid = fids.path2fid(directory);
        markers.ensure(directory);
        old.ifPresent(name -> retiring.add(new Retiring(directory, name, fid)));
    }

    private void walk(Path directory, boolean[] allMoved, List<Retiring> retiring) throws Exception {
        new NamespaceWalker(mount).walk(directory, new NamespaceVisitor() {
            @Override
            public void directory(Path path, BasicFileAttributes attributes) throws Exception {
                cancel.check();
                try {
                    RenamePropagation.this.directory(path, retiring);
                } catch (IOException | ArchiveException e) {
                    counts.failed(Propagation.RENAMES, path.toString(), e);
                    allMoved[0] = false;
                }
            }

            @Override
            public void file(Path file, BasicFileAttributes fileAttributes) throws Exception {
                cancel.check(); // a directory may hold millions of files
                LuFid fid;
                try {
                    fid = fids.path2fid(file);
                } catch (LustreException e) {
                    counts.failed(Propagation.RENAMES, file.toString(), e);
                    allMoved[0] = false;
                    return;
                }
                allMoved[0] &= RenamePropagation.this.file(file, fid);
            }

            @Override
            public void failed(Path path, IOException cause) {
                counts.failed(Propagation.RENAMES, path.toString(), cause);
                allMoved[0] = false;
            }
        });
    }

    private boolean file(Path path, LuFid fid) {
        try {
            String name = backend.objectName(mount.relativize(path).toString());
            BlobMove.Result result = move.move(new LustreFile(mount, fid).fidPath(), fid.bracketed(), name);
            switch (result.outcome()) {
                case MOVED -> counts.done(Propagation.RENAMES, path.toString(), "its copy is now " + name);
                case LEFT -> counts.left(Propagation.RENAMES, path.toString(), result.reason());
                case IN_PLACE -> { }
            }
            return true;
        } catch (Exception e) {
            counts.failed(Propagation.RENAMES, path.toString(), e);
            return false;
        }
    }
}

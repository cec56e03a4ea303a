package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
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
import java.util.Optional;

/**
 * {@code --propagate renames}: the file a RENME record moved, or every regular file under the directory it moved,
 * gets its archived copy moved to the blob name of its path now ({@link BlobMove}). Found by FID, so a file renamed
 * twice between passes moves once, to its last name; a file moved out of the exported path is left where it is.
 */
final class RenamePropagation {
    private final Path mount;
    private final Path root;
    private final LustreFids fids;
    private final ArchiveBackend backend;
    private final BlobMove move;
    private final PropagationCounts counts;
    private final CancelCheck cancel;

    RenamePropagation(Path mount, Path root, LustreFids fids, ArchiveBackend backend, BlobMove move,
                      PropagationCounts counts, CancelCheck cancel) {
        this.mount = mount;
        this.root = root;
        this.fids = fids;
        this.backend = backend;
        this.move = move;
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
        try {
            walk(found.get(), allMoved);
        } catch (IOException e) {
            counts.failed(Propagation.RENAMES, found.get().toString(), e); // moved or removed while walked
            return false;
        }
        return allMoved[0];
    }

    private void walk(Path directory, boolean[] allMoved) throws Exception {
        new NamespaceWalker(mount).walk(directory, new NamespaceVisitor() {
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

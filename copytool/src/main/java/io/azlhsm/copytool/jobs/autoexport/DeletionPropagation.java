package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.LiveFidFiles;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --propagate deletions}: the file whose last name was removed has the blobs written for it deleted. The file
 * and its record are gone, so the blobs are found as a REMOVE finds them (the archive's FID index,
 * {@link ArchiveBackend#findByFid}) and, besides, at the name the record gives (its parent's path and its name: the
 * index is a moment behind a write, and a hierarchical account keeps none). Each is deleted only while its
 * {@code azlhsm_fid} is this FID and {@code .lustre/fid/<FID>} does not exist (as NameOwnership judges a copy of a
 * file that no longer exists: no live file's archive wrote it), on the ETag just examined, and only under the exported
 * path. A blob another file or another tool wrote, or one with preserved versions (Azure refuses the delete), stays.
 * A REMOVE of the same file (remove_archive_on_last_unlink) may come first or after: whichever is second finds
 * nothing of this file's to delete.
 */
final class DeletionPropagation {
    private final Path mount;
    private final Path root;
    private final LustreFids fids;
    private final ArchiveBackend backend;
    private final LiveFidFiles live;
    private final PropagationCounts counts;

    DeletionPropagation(Path mount, Path root, LustreFids fids, ArchiveBackend backend, PropagationCounts counts) {
        this.mount = mount;
        this.root = root;
        this.fids = fids;
        this.backend = backend;
        this.live = new LiveFidFiles(mount);
        this.counts = counts;
    }

    /** @return false when a blob could not be deleted for a reason that may pass (to be tried again) */
    boolean deleted(LuFid fid, PropagationEvents.Deleted where) {
        String described = fid.bracketed() + " (" + where.name() + ")";
        try {
            if (live.exists(fid.bracketed())) {
                return true; // still open, or linked again: not gone
            }
            Set<String> names = new LinkedHashSet<>(backend.findByFid(fid.bracketed()));
            nameAtItsPath(where).ifPresent(names::add);
            for (String name : names) {
                if (underRoot(name)) {
                    delete(fid, name, described);
                }
            }
            return true;
        } catch (Exception e) {
            counts.failed(Propagation.DELETIONS, described, e);
            return false;
        }
    }

    private void delete(LuFid fid, String name, String described) throws Exception {
        Optional<StoredObject> found = backend.stat(name);
        if (found.isEmpty()) {
            return; // never archived there, or a REMOVE deleted it
        }
        String owner = BlobMove.metadata(found.get(), BlobMetadataCodec.FID);
        if (!fid.bracketed().equals(owner)) {
            if (owner == null) {
                // a symlink's blob carries no FID (the link cannot hold the xattr that would tie it to one), and
                // the target it held is gone with the link: which link it was written for cannot be told
                counts.left(Propagation.DELETIONS, described, name + (isSymlinkBlob(found.get())
                        ? " is a symlink blob, which names no FID" : " was written by another tool"));
            }
            return; // another file's copy took the name: not this file's to delete
        }
        if (live.exists(fid.bracketed())) {
            return;
        }
        try {
            if (backend.delete(name, found.get().etag())) {
                counts.done(Propagation.DELETIONS, described, "deleted " + name);
            }
        } catch (ArchiveException e) {
            if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                throw e;
            }
            counts.left(Propagation.DELETIONS, described, name + ": " + e.getMessage());
        }
    }

    private static boolean isSymlinkBlob(StoredObject object) {
        return BlobMetadataCodec.SYMLINK_FILE_TYPE.equalsIgnoreCase(BlobMove.metadata(object,
                BlobMetadataCodec.FILE_TYPE));
    }

    /** The blob name of the path the file had, when its parent directory still exists. */
    private Optional<String> nameAtItsPath(PropagationEvents.Deleted where) {
        if (where.parent().isZero() || where.name().isEmpty()) {
            return Optional.empty();
        }
        try {
            Path parent = mount.resolve(fids.fid2path(mount, where.parent(), 0).relativePath()).normalize();
            return Optional.of(backend.objectName(mount.relativize(parent.resolve(where.name())).toString()));
        } catch (LustreException | ArchiveException gone) {
            return Optional.empty(); // the directory went too: the FID index is all there is
        }
    }

    /** Only blobs of the exported path, never of the jobs' own directory. */
    private boolean underRoot(String name) {
        try {
            Path path = mount.resolve(backend.relativePath(name)).normalize();
            return path.startsWith(root) && !path.startsWith(mount.resolve(JobStore.DIRECTORY_NAME));
        } catch (ArchiveException outsideThePrefix) {
            return false;
        }
    }
}

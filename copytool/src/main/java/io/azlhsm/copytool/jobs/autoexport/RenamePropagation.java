package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ContentMd5;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.jobs.export.DirectoryMarkers;
import io.azlhsm.copytool.jobs.export.SymlinkBlobs;
import io.azlhsm.copytool.jobs.requests.CancelCheck;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.LustreFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>A renamed symlink, or one under a renamed directory, has no record naming its blob and no FID in it (see
 * {@link SymlinkBlobs}): its blob is put under its new name first (as the export would), and the blob at the name it
 * had (from the RENME record's source parent and name) is deleted only when it is a symlink blob this copytool
 * wrote ({@code ftype=LNK} and {@code azlhsm_version}) holding the link's target (its Content-MD5), while nothing
 * in the file system has that name again, on the ETag just read. Anything else there stays, counted as left alone.
 */
final class RenamePropagation {
    private final Path mount;
    private final Path root;
    private final LustreFids fids;
    private final ArchiveBackend backend;
    private final BlobMove move;
    private final DirectoryMarkers markers;
    private final SymlinkBlobs symlinks;
    private final PropagationCounts counts;
    private final CancelCheck cancel;

    /** A renamed directory's marker under its old name, to be deleted once the directory's files moved out. */
    private record Retiring(Path directory, String oldName, LuFid fid) {
    }

    RenamePropagation(Path mount, Path root, LustreFids fids, ArchiveBackend backend, BlobMove move,
                      DirectoryMarkers markers, SymlinkBlobs symlinks, PropagationCounts counts, CancelCheck cancel) {
        this.mount = mount;
        this.root = root;
        this.fids = fids;
        this.backend = backend;
        this.move = move;
        this.markers = markers;
        this.symlinks = symlinks;
        this.counts = counts;
        this.cancel = cancel;
    }

    /**
     * @param from the name the object had before this pass's records renamed it
     * @return false when a file failed (the rename is to be tried again)
     */
    boolean renamed(LuFid fid, PropagationEvents.Renamed from) throws Exception {
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
        Optional<Path> oldPath = oldPath(from);
        if (attributes.isSymbolicLink()) {
            return oldPath.isEmpty() || symlink(found.get(), oldPath.get());
        }
        if (!attributes.isDirectory()) {
            return true; // a socket, device or FIFO: never exported
        }
        boolean[] allMoved = {true};
        List<Retiring> retiring = new ArrayList<>();
        try {
            walk(found.get(), oldPath, allMoved, retiring);
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

    private void walk(Path directory, Optional<Path> oldPath, boolean[] allMoved, List<Retiring> retiring)
            throws Exception {
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
            public void file(Path file, HeldFile held, BasicFileAttributes fileAttributes) throws Exception {
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
            public void other(Path path, BasicFileAttributes otherAttributes) throws Exception {
                cancel.check();
                if (otherAttributes.isSymbolicLink() && oldPath.isPresent()) {
                    allMoved[0] &= symlink(path, oldPath.get().resolve(directory.relativize(path)));
                }
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

    /** The path a renamed object had: its old parent's path now, and its old name; empty when either is unknown. */
    private Optional<Path> oldPath(PropagationEvents.Renamed from) {
        if (from.parent().isZero() || from.name().isEmpty()) {
            return Optional.empty();
        }
        try {
            Path parent = mount.resolve(fids.fid2path(mount, from.parent(), 0).relativePath()).normalize();
            return Optional.of(parent.resolve(from.name()));
        } catch (LustreException gone) {
            return Optional.empty(); // its old directory went too: its old blob is left to the checker
        }
    }

    /**
     * The symlink's blob under its new name, then its old one deleted if it is the one the export wrote for it.
     *
     * @return false when the archive failed (tried again next pass)
     */
    private boolean symlink(Path link, Path oldPath) {
        try {
            if (oldPath.equals(link) || !oldPath.startsWith(root)
                    || oldPath.startsWith(mount.resolve(JobStore.DIRECTORY_NAME))) {
                return true; // renamed back, or it came from outside the exported path: no blob of ours there
            }
            // the new name first, as the export puts it (which reaches the links under a renamed directory only at
            // its next full walk): whatever happens next, the link has its blob
            symlinks.ensure(link);
            Optional<StoredObject> now = symlinks.blobOf(link);
            String oldName = backend.objectName(mount.relativize(oldPath).toString());
            Optional<StoredObject> old = backend.stat(oldName);
            if (old.isEmpty()) {
                return true; // never exported under that name (made and renamed within one pass), or gone
            }
            if (now.isEmpty()) {
                counts.left(Propagation.RENAMES, link.toString(), oldName + " stays: its new name "
                        + symlinks.objectName(link) + " holds another object");
                return true;
            }
            String why = notThisLinks(old.get(), link, oldPath);
            if (why != null) {
                counts.left(Propagation.RENAMES, link.toString(), oldName + " stays: " + why);
                return true;
            }
            if (Files.exists(oldPath, LinkOption.NOFOLLOW_LINKS)) { // looked at again, just before the delete
                counts.left(Propagation.RENAMES, link.toString(), oldName + " stays: " + oldPath
                        + " exists again");
                return true;
            }
            try {
                backend.delete(oldName, old.get().etag());
            } catch (ArchiveException e) {
                if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                    throw e;
                }
                counts.left(Propagation.RENAMES, link.toString(), oldName + " stays: " + e.getMessage());
                return true;
            }
            counts.done(Propagation.RENAMES, link.toString(), "its blob is now " + now.get().name());
            return true;
        } catch (Exception e) {
            counts.failed(Propagation.RENAMES, link.toString(), e);
            return false;
        }
    }

    /**
     * Why the blob at the link's old name is not the one the export wrote for it (null when it is): a symlink blob
     * of ours (azlhsm_version beside ftype=LNK: AMLFS's and azcopy's carry no azlhsm keys) whose Content-MD5 is the
     * link's target, at a name nothing in the file system has now (a link made again there owns it).
     */
    private String notThisLinks(StoredObject old, Path link, Path oldPath) throws IOException {
        if (!BlobMetadataCodec.SYMLINK_FILE_TYPE.equalsIgnoreCase(BlobMove.metadata(old, BlobMetadataCodec.FILE_TYPE))) {
            return "it is not a symlink blob";
        }
        if (BlobMove.metadata(old, BlobMetadataCodec.VERSION) == null) {
            return "another tool wrote it";
        }
        byte[] target = Files.readSymbolicLink(link).toString().getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(ContentMd5.of(ByteBuffer.wrap(target)), old.contentMd5())) {
            return "it holds another target";
        }
        if (Files.exists(oldPath, LinkOption.NOFOLLOW_LINKS)) {
            return oldPath + " exists again";
        }
        return null;
    }
}

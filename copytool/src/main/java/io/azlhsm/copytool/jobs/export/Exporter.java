package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.jobs.JobChanges;
import io.azlhsm.copytool.jobs.requests.BoundedHsmRequests;
import io.azlhsm.copytool.jobs.requests.CancelCheck;
import io.azlhsm.copytool.jobs.requests.RequestKind;
import io.azlhsm.copytool.jobs.requests.RequestOutcome;
import io.azlhsm.copytool.jobs.requests.RequestedFile;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Exports files one at a time as a walk or the changelog names them: decides from the HSM state whether the file
 * needs it, checks that its path makes a valid blob name, and queues an ARCHIVE through {@link BoundedHsmRequests};
 * directories get their marker blob, symlinks their {@code ftype=LNK} blob (put here: HSM archives regular files
 * only). The copy itself is done by whichever agent the coordinator picks.
 */
public final class Exporter {
    private final Path mount;
    private final HsmFiles hsm;
    private final LustreFids fids;
    private final ArchiveBackend backend;
    private final DirectoryMarkers markers;
    private final SymlinkBlobs symlinks;
    private final ExportListener listener;
    private final BoundedHsmRequests requests;

    /**
     * @param markers null to put no directory markers
     */
    public Exporter(Path mount, HsmFiles hsm, JobChanges changes, LustreFids fids, ArchiveBackend backend,
                    DirectoryMarkers markers, int archiveId, int maxOutstanding, CancelCheck cancel,
                    ExportListener listener) {
        this.mount = mount;
        this.hsm = hsm;
        this.fids = fids;
        this.backend = backend;
        this.markers = markers;
        this.symlinks = new SymlinkBlobs(mount, backend, changes);
        this.listener = listener;
        this.requests = new BoundedHsmRequests(hsm, changes, mount, RequestKind.ARCHIVE, archiveId, maxOutstanding, cancel,
                this::ended);
    }

    /** Considers one regular file; blocks while the maximum of requests is outstanding. */
    public void file(Path file, long size) throws Exception {
        consider(file, size, () -> hsm.state(file), () -> fids.path2fid(file));
    }

    /**
     * As {@link #file(Path, long)}, for a file a walk holds: its HSM state read through the held descriptor's
     * {@code /proc/self/fd} link and its FID from the descriptor, neither looking its name up again.
     */
    public void file(Path file, HeldFile held, long size) throws Exception {
        consider(file, size, () -> hsm.state(held.path()), () -> fids.fd2fid(held.fd()));
    }

    private void consider(Path file, long size, LustreRead<HsmUserState> stateOf, LustreRead<LuFid> fidOf)
            throws Exception {
        HsmUserState state;
        try {
            state = stateOf.read();
        } catch (LustreException e) {
            listener.failed(file, null, "cannot read its HSM state: " + e.getMessage());
            return;
        }
        ExportDecision decision = ExportDecision.of(state);
        if (decision == ExportDecision.UP_TO_DATE) {
            listener.upToDate(file);
            return;
        }
        if (decision == ExportDecision.NEVER_ARCHIVE) {
            listener.skipped(file, "never_archive is set");
            return;
        }
        String blob;
        try {
            blob = blobName(file);
        } catch (ArchiveException e) {
            listener.failed(file, null, "its path cannot name a blob: " + e.getMessage());
            return;
        }
        LuFid fid;
        try {
            fid = fidOf.read();
        } catch (LustreException e) {
            listener.failed(file, blob, "cannot read its FID: " + e.getMessage());
            return;
        }
        listener.discovered(file, size);
        requests.submit(new RequestedFile(file, fid, size));
    }

    /** Gives a directory its marker blob (once); no-op without markers or for the mount's root. */
    public void directory(Path directory) {
        if (markers == null || directory.equals(mount)) {
            return;
        }
        String blob = null;
        try {
            blob = markers.objectName(directory);
            if (markers.ensure(directory)) {
                listener.markerCreated(directory);
            }
        } catch (ArchiveException | IOException | RuntimeException e) {
            listener.failed(directory, blob, "directory marker: " + e.getMessage());
        }
    }

    /** Gives a symlink its ftype=LNK blob, put again only when its target changed. */
    public void symlink(Path link) {
        String blob = null;
        try {
            blob = symlinks.objectName(link);
            if (symlinks.ensure(link)) {
                listener.symlinkExported(link);
            }
        } catch (ArchiveException | IOException | RuntimeException e) {
            listener.failed(link, blob, "symlink: " + e.getMessage());
        }
    }

    /** Waits for every queued file. */
    public void finish() throws Exception {
        requests.finish();
    }

    /** A cancelled job: withdraw our requests still waiting or running at the coordinator. */
    public void cancel() {
        requests.cancelOutstanding();
    }

    public int peakOutstanding() {
        return requests.peakOutstanding();
    }

    private void ended(RequestOutcome outcome) {
        Path file = outcome.file().path();
        if (outcome.succeeded()) {
            listener.exported(file, outcome.file().size());
            return;
        }
        String blob;
        try {
            blob = blobName(file);
        } catch (ArchiveException e) {
            blob = null;
        }
        listener.failed(file, blob, outcome.failure().orElseThrow());
    }

    private String blobName(Path file) throws ArchiveException {
        return backend.objectName(mount.relativize(file).toString());
    }

    /** A read of something about the file from Lustre. */
    @FunctionalInterface
    private interface LustreRead<T> {
        T read() throws LustreException;
    }
}

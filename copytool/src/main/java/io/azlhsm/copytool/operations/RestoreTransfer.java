package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.lustre.CopyAction;
import io.azlhsm.copytool.lustre.FdChannel;
import io.azlhsm.copytool.lustre.FileLayout;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.pipeline.ChunkLayout;
import io.azlhsm.copytool.pipeline.TransferEvent;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * RESTORE of one file: download the blob by ranges in parallel, pwrite them into the volatile file, checksum them in
 * order (MD5, or CRC32C for archives that keep that), and end the action with success only when size, ETag and
 * whole-file checksum all match what was archived.
 * On any mismatch the action fails with EIO, the coordinator discards the volatile file, and the file stays released.
 *
 * <p>When the recorded version was replaced at its name by another file's archive, it was preserved first (see
 * {@link io.azlhsm.copytool.ownership}): the first read that finds the name changed looks the version up once and
 * every read from then on comes from it. The whole-file checksum proves the bytes either way.
 *
 * <p>A blob in the Archive tier answers its reads with 409 BlobArchived: it is the same blob, offline, not a replaced
 * one. The transfer then gives its ring slots back and is {@linkplain Rehydrations#park parked}: the action stays
 * begun and alive while the blob is rehydrated, and a fresh transfer of the same action ({@link #again}) reads it
 * once it is online.
 */
public final class RestoreTransfer extends ActionTransfer {
    private static final Logger LOG = Logger.getLogger(RestoreTransfer.class.getName());

    private final ArchiveBackend backend;
    private final String etag;
    private final ExpectedChecksum expected; // null when nothing recorded one (foreign blob without a checksum)
    private final FdChannel volatileFile;
    private final ContentChecksum checksum; // checksum stage only
    private volatile byte[] actual;
    private final boolean recordedVersion; // the ETag came from the file's record, so a preserved copy may exist
    private final Object versionLookup = new Object();
    private volatile Optional<String> preservedVersion; // null until looked up
    private final Rehydrations rehydrations;
    private final HeldFile held; // the file itself, by O_PATH; null when it could not be held

    private RestoreTransfer(ChunkLayout layout, ActionContext context, CopyAction action, LustreFile file, String path,
                            String blob, ActionStop stop, Runnable onEnded, ArchiveBackend backend, String etag,
                            ExpectedChecksum expected, FdChannel volatileFile, boolean recordedVersion,
                            Rehydrations rehydrations, HeldFile held) {
        super(layout, Priority.RESTORE, context, action, file, path, blob, stop, onEnded);
        this.held = held;
        this.rehydrations = rehydrations;
        this.recordedVersion = recordedVersion;
        this.backend = backend;
        this.etag = etag;
        this.expected = expected;
        this.volatileFile = volatileFile;
        this.checksum = ContentChecksum.start(expected != null ? expected.algorithm() : ChecksumAlgorithm.MD5);
    }

    /**
     * @param savedLayout the layout saved at archive, which the volatile file (begun with O_LOV_DELAY_CREATE) gets
     *                    before any data; null when there is none (then it was begun without that flag and has the
     *                    default)
     * @param readRecord  the file's archive record as read for the saved layout before the begin (empty: it has none),
     *                    or null when that read failed, and the locator reads it again
     * @param held        the file held by O_PATH, through which its size is read and its failure note left or
     *                    cleared (the transfer returned owns it and closes it when the action ends); null when it
     *                    could not be held, and those go by its FID path
     */
    static RestoreTransfer prepare(ActionContext context, CopyAction action, int archiveId, FileLayout savedLayout,
                                   Optional<ArchiveRecord> readRecord, ActionStop stop, Runnable onEnded,
                                   Rehydrations rehydrations, HeldFile held) throws Exception {
        LustreFile file = new LustreFile(context.mount(), action.item().fid());
        if (savedLayout != null) {
            int fd = action.fd();
            try {
                RestoredLayout.apply(fd, savedLayout, () -> nameOf(file, context));
            } finally {
                new FdChannel(fd, "volatile file of " + file.fid().bracketed()).close();
            }
        }
        ArchiveBackend backend = context.backend(archiveId);
        BlobLocator locator = new BlobLocator(context.records(), context.fids(), context::foreignNaming);
        BlobLocator.Located located = readRecord != null
                ? locator.locate(file, action.item(), archiveId, backend, readRecord)
                : locator.locate(file, action.item(), archiveId, backend);
        String blob = located.blob();
        long expectedSize = held != null ? held.size() : file.size();
        Optional<ArchiveRecord> record = located.record();
        String etag;
        ExpectedChecksum expected = record.map(ExpectedChecksum::of).orElse(null);
        boolean recordedVersion = record.isPresent() && record.get().etag() != null && expected != null;
        if (recordedVersion) {
            // The record names the exact version archived, whose size and checksum were verified then: every read asks
            // for that ETag (a replaced blob fails it), a short blob fails the read, and the checksum is compared at
            // the end, so looking at the blob's properties first would only add a request. One GET for a small file.
            etag = record.get().etag();
        } else {
            // A blob found without a record was looked at by the locator already (and its FID checked): no second stat.
            Optional<StoredObject> found = record.isPresent() ? backend.stat(blob) : located.stored();
            StoredObject stored = found.orElseThrow(() -> new ActionFailure(2 /* ENOENT */, false,
                    "file " + nameOf(file, context) + ": blob " + blob + " (found by " + located.how()
                            + ") is not in archive " + archiveId));
            if (stored.size() != expectedSize) {
                // The stub's size is what the tool that made it recorded of its blob (llapi_hsm_import's st_size;
                // lemur's archive of the file): a blob of another size is not this file's data, whatever its name.
                throw new ActionFailure(ActionOutcome.EIO, false, "file " + nameOf(file, context) + ": blob " + blob
                        + " (found by " + located.how() + ") holds " + stored.size() + " bytes but the file records "
                        + expectedSize + ": not this file's data; refused before writing any byte, the file stays"
                        + " released");
            }
            if (record.isPresent() && record.get().etag() != null && !record.get().etag().equals(stored.etag())) {
                throw replaced(blob, record.get().etag(), stored.etag());
            }
            etag = stored.etag();
            if (expected == null) {
                expected = ExpectedChecksum.of(stored);
            }
        }
        // Ranged reads have no block-count limit: the ring's chunk size is the right range size.
        ChunkLayout layout = new ChunkLayout(expectedSize, context.maxChunkSize());
        // The restore moves data by FID; its path is looked up only if a log line needs it (ActionTransfer#path).
        FdChannel volatileFile = new FdChannel(action.fd(), "volatile file of " + file.fid().bracketed());
        if (expected == null) {
            LOG.info("RESTORE " + file + " blob " + blob + ": no checksum recorded anywhere; verifying size and ETag only");
        }
        return new RestoreTransfer(layout, context, action, file, null, blob, stop, onEnded, backend, etag, expected,
                volatileFile, recordedVersion, rehydrations, held);
    }

    /**
     * A fresh transfer of this one's action, blob and expected identity (a new descriptor of the volatile file, a new
     * checksum), for after the blob was rehydrated: every byte is read and written again.
     */
    RestoreTransfer again() throws Exception {
        FdChannel channel = new FdChannel(action.fd(), "volatile file of " + file.fid().bracketed());
        RestoreTransfer next = new RestoreTransfer(layout(), context, action, file, null, blob, actionStop(),
                onEnded(), backend, etag, expected, channel, recordedVersion, rehydrations, held);
        next.startedAt(startNanos());
        return next;
    }

    @Override
    protected HeldFile heldFile() {
        return held;
    }

    ArchiveBackend backend() {
        return backend;
    }

    /** The blob identity the restore reads: a rehydration keeps the ETag, so this stays the one to compare. */
    String etag() {
        return etag;
    }

    /** Ends the action of a parked transfer (stopped, or the blob could not be brought back online). */
    void endParked(ActionOutcome outcome, Throwable cause) {
        if (cause != null) {
            fail(cause);
        }
        endAction(outcome, 0, cause);
    }

    /** The blob answered as offline (Archive tier), and nothing else stopped the transfer. */
    private boolean stoppedByOfflineBlob() {
        return !isCanceled() && actionStop().reason() == null && failure() instanceof ArchiveException e
                && e.kind() == ArchiveException.Kind.OFFLINE;
    }

    /** "[FID] path", or the FID alone when the path cannot be found. */
    private static String nameOf(LustreFile file, ActionContext context) {
        try {
            return file.fid().bracketed() + " " + file.relativePath(context.fids());
        } catch (Exception unresolved) {
            return file.fid().bracketed();
        }
    }

    private static ActionFailure replaced(String blob, String recorded, String now) {
        return new ActionFailure(ActionOutcome.EIO, false, "blob " + blob
                + " was replaced or removed since it was archived (ETag " + recorded + " recorded"
                + (now == null ? "" : ", " + now + " now") + ")");
    }

    @Override
    protected void readChunk(TransferEvent event) throws Exception {
        patiently("reading bytes " + event.offset() + ".." + (event.offset() + event.length()) + " of blob " + blob,
                () -> {
                    event.buffer().clear().limit(event.length()); // a failed attempt may have filled part of it
                    readRange(event);
                    return null;
                });
    }

    private void readRange(TransferEvent event) throws ArchiveException, ActionFailure {
        // If-Match on every range: a blob replaced mid-restore fails the restore instead of mixing two versions.
        Optional<String> version = preservedVersion;
        if (version != null && version.isPresent()) {
            backend.readVersion(blob, version.get(), event.offset(), event.buffer());
            return;
        }
        try {
            backend.read(blob, etag, event.offset(), event.buffer());
        } catch (ArchiveException e) {
            boolean gone = e.kind() == ArchiveException.Kind.NOT_FOUND;
            if (e.kind() != ArchiveException.Kind.PRECONDITION && !gone) {
                throw e;
            }
            Optional<String> kept = preservedVersion();
            if (kept.isPresent()) {
                backend.readVersion(blob, kept.get(), event.offset(), event.buffer());
                return;
            }
            if (gone) {
                throw new ActionFailure(2 /* ENOENT */, false, "blob " + blob + " is no longer in the archive", e);
            }
            throw replaced(blob, etag, null);
        }
    }

    /** The preserved copy of the recorded version, looked up once per restore. */
    private Optional<String> preservedVersion() throws ArchiveException {
        if (!recordedVersion) {
            return Optional.empty();
        }
        synchronized (versionLookup) {
            if (preservedVersion == null) {
                preservedVersion = backend.findPreserved(blob, etag);
                preservedVersion.ifPresent(v -> LOG.info(describe() + ": the recorded version " + etag
                        + " was replaced at its name by another file's copy; reading its preserved version " + v));
            }
            return preservedVersion;
        }
    }

    @Override
    protected void checksumChunk(TransferEvent event) {
        checksum.update(event.buffer());
        if (event.chunkIndex() == layout().chunkCount() - 1) {
            actual = checksum.finish();
        }
    }

    @Override
    protected void writeChunk(TransferEvent event) throws IOException {
        volatileFile.writeFully(event.buffer(), event.offset());
    }

    @Override
    protected void finish() {
        volatileFile.close(); // our dup only: the library keeps its own fd open until the end
        if (rehydrations != null && stoppedByOfflineBlob()) {
            rehydrations.park(this); // holds no ring slot, thread or connection while the blob comes online
            return;
        }
        if (isAborted()) {
            endAction(abortOutcome(), 0, failure());
            return;
        }
        if (expected != null && !Arrays.equals(expected.value(), actual)) {
            // Names file, blob and both checksums itself: the cause may be quoted where describe() is not.
            ActionFailure mismatch = new ActionFailure(ActionOutcome.EIO, false, "checksum mismatch restoring "
                    + path() + " from blob " + blob + " (ETag " + etag + "): expected " + expected.algorithm() + " "
                    + HexFormat.of().formatHex(expected.value()) + ", got " + HexFormat.of().formatHex(actual));
            fail(mismatch);
            endAction(ActionOutcome.of(mismatch), 0, mismatch);
            return;
        }
        endAction(ActionOutcome.SUCCESS, layout().size(), null);
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.lustre.CopyAction;
import io.azlhsm.copytool.lustre.FdChannel;
import io.azlhsm.copytool.pipeline.ChunkLayout;
import io.azlhsm.copytool.pipeline.TransferEvent;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * RESTORE of one file: download the blob by ranges in parallel, pwrite them into the volatile file, MD5 them in
 * order, and end the action with success only when size, ETag and whole-file checksum all match what was archived.
 * On any mismatch the action fails with EIO, the coordinator discards the volatile file, and the file stays released.
 */
public final class RestoreTransfer extends ActionTransfer {
    private static final Logger LOG = Logger.getLogger(RestoreTransfer.class.getName());

    private final ArchiveBackend backend;
    private final String etag;
    private final byte[] expectedMd5; // null when nothing recorded one (foreign blob without Content-MD5)
    private final FdChannel volatileFile;
    private final MessageDigest digest; // checksum stage only
    private volatile byte[] md5;

    private RestoreTransfer(ChunkLayout layout, ActionContext context, CopyAction action, LustreFile file, String path,
                            String blob, Runnable onEnded, ArchiveBackend backend, String etag, byte[] expectedMd5,
                            FdChannel volatileFile) {
        super(layout, Priority.RESTORE, context, action, file, path, blob, onEnded);
        this.backend = backend;
        this.etag = etag;
        this.expectedMd5 = expectedMd5;
        this.volatileFile = volatileFile;
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    static RestoreTransfer prepare(ActionContext context, CopyAction action, int archiveId, Runnable onEnded)
            throws Exception {
        LustreFile file = new LustreFile(context.mount(), action.item().fid());
        ArchiveBackend backend = context.backend(archiveId);
        BlobLocator.Located located = new BlobLocator(context.records(), context.fids())
                .locate(file, action.item(), archiveId, backend);
        String blob = located.blob();
        StoredObject stored = backend.stat(blob).orElseThrow(() -> new ActionFailure(2 /* ENOENT */, false,
                "blob " + blob + " (found by " + located.how() + ") is not in archive " + archiveId));
        long expectedSize = file.size();
        if (stored.size() != expectedSize) {
            throw new ActionFailure(ActionOutcome.EIO, false, "blob " + blob + " holds " + stored.size()
                    + " bytes but the file has " + expectedSize);
        }
        byte[] expectedMd5 = stored.contentMd5();
        if (located.record().isPresent()) {
            ArchiveRecord record = located.record().get();
            if (record.etag() != null && !record.etag().equals(stored.etag())) {
                throw new ActionFailure(ActionOutcome.EIO, false, "blob " + blob + " was replaced since it was archived"
                        + " (ETag " + record.etag() + " recorded, " + stored.etag() + " now)");
            }
            if (record.md5() != null) {
                expectedMd5 = record.md5();
            }
        }
        if (expectedMd5 == null) {
            expectedMd5 = md5FromMetadata(stored);
        }
        // Ranged reads have no block-count limit: the ring's chunk size is the right range size.
        ChunkLayout layout = new ChunkLayout(expectedSize, context.maxChunkSize());
        String path = safeRelativePath(context, file);
        FdChannel volatileFile = new FdChannel(action.fd(), "volatile file of " + file.fid().bracketed() + " " + path);
        if (expectedMd5 == null) {
            LOG.info("RESTORE " + file + " blob " + blob + ": no checksum recorded anywhere; verifying size and ETag only");
        }
        return new RestoreTransfer(layout, context, action, file, path, blob, onEnded, backend, stored.etag(),
                expectedMd5, volatileFile);
    }

    private static String safeRelativePath(ActionContext context, LustreFile file) {
        try {
            return file.relativePath(context.fids());
        } catch (Exception unknown) {
            return "(path unknown)";
        }
    }

    private static byte[] md5FromMetadata(StoredObject stored) {
        String hex = stored.metadata().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(BlobMetadataCodec.MD5))
                .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
        try {
            return hex == null ? null : HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    @Override
    protected void readChunk(TransferEvent event) throws ArchiveException {
        // If-Match on every range: a blob replaced mid-restore fails the restore instead of mixing two versions.
        backend.read(blob, etag, event.offset(), event.buffer());
    }

    @Override
    protected void checksumChunk(TransferEvent event) {
        digest.update(event.buffer().duplicate());
        if (event.chunkIndex() == layout().chunkCount() - 1) {
            md5 = digest.digest();
        }
    }

    @Override
    protected void writeChunk(TransferEvent event) throws IOException {
        volatileFile.writeFully(event.buffer(), event.offset());
    }

    @Override
    protected void finish() {
        volatileFile.close(); // our dup only: the library keeps its own fd open until the end
        if (isAborted()) {
            endAction(abortOutcome(), 0, failure());
            return;
        }
        if (expectedMd5 != null && !Arrays.equals(expectedMd5, md5)) {
            ActionFailure mismatch = new ActionFailure(ActionOutcome.EIO, false, "checksum mismatch: blob " + blob
                    + " has MD5 " + HexFormat.of().formatHex(md5) + ", archive recorded "
                    + HexFormat.of().formatHex(expectedMd5));
            fail(mismatch);
            endAction(ActionOutcome.of(mismatch), 0, mismatch);
            return;
        }
        endAction(ActionOutcome.SUCCESS, layout().size(), null);
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.UploadKey;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.FileAttributes;
import io.azlhsm.copytool.archive.metadata.PosixAcl;
import io.azlhsm.copytool.lustre.CopyAction;
import io.azlhsm.copytool.lustre.DataVersions;
import io.azlhsm.copytool.lustre.Errno;
import io.azlhsm.copytool.lustre.FdChannel;
import io.azlhsm.copytool.lustre.FdRangeInputStream;
import io.azlhsm.copytool.lustre.FileLayout;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;
import io.azlhsm.copytool.lustre.HsmUserAction;
import io.azlhsm.copytool.lustre.LayoutAttribute;
import io.azlhsm.copytool.ownership.ConditionalWriter;
import io.azlhsm.copytool.ownership.WriterIdentity;
import io.azlhsm.copytool.pipeline.ChunkLayout;
import io.azlhsm.copytool.pipeline.TransferEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * ARCHIVE of one file: read it from Lustre by ranges, checksum it in order (MD5, or CRC32C where the archive keeps
 * that), store it as one blob, verify, record, end.
 *
 * <p>A file is never reported archived without a complete, verified copy: the blob is committed only if the file's
 * data version did not move while it was read, the committed size and Content-MD5 must match what was read, and the
 * archive record naming the blob is written before the action ends with success. If the file changed anyway between
 * that check and the end, the coordinator's own data-version check fails the request (EBUSY).
 *
 * <p>Blocks normally are ring chunks: what the read stage read is what the write stage stages. A file so large that
 * 50,000 ring-sized blocks cannot hold it gets bigger blocks, each a whole number of ring chunks: the ring still reads
 * every chunk for the in-order whole-file MD5 and a per-block MD5, and each block is then staged from a replayable
 * pread stream of the source (read a second time, straight from Lustre), so memory stays bounded by the ring and the
 * archive still verifies every block against the MD5 of the bytes the ring saw.
 */
public final class ArchiveTransfer extends ActionTransfer {
    private static final Logger LOG = Logger.getLogger(ArchiveTransfer.class.getName());

    private final ArchiveBackend backend;
    private final int archiveId;
    private final FdChannel source;
    private final long startDataVersion;
    private final FileAttributes attributesAtStart;
    private final FileLayout fileLayout; // null when the file's layout could not be read
    private final String posixAcl; // x-ms-acl form; null without an extended ACL or for an archive that keeps none
    private final ChunkedUpload upload; // null when the whole file goes in one request
    private final WriteCondition believed; // what this file's own record says is at the name
    private final boolean recordedAtStart; // the file had an archive record when the action began
    private final ConditionalWriter writer;
    private final ContentChecksum checksum; // checksum stage only
    private final StreamedBlocks streamedBlocks; // null unless blocks are larger than ring chunks
    private volatile byte[] contentChecksum; // of checksum.algorithm(), once the last chunk passed the checksum stage
    private volatile StoredObject storedWhole;
    private volatile boolean committed;

    private ArchiveTransfer(ChunkLayout layout, ActionContext context, CopyAction action, LustreFile file, String path,
                            String blob, ActionStop stop, Runnable onEnded, ArchiveBackend backend, int archiveId,
                            FdChannel source,
                            long startDataVersion, FileAttributes attributesAtStart, FileLayout fileLayout,
                            String posixAcl, ChunkedUpload upload, long blockSize, WriteCondition believed,
                            boolean recordedAtStart)
            throws ActionFailure {
        super(layout, Priority.ARCHIVE, context, action, file, path, blob, stop, onEnded);
        this.fileLayout = fileLayout;
        this.posixAcl = posixAcl;
        this.believed = believed;
        this.recordedAtStart = recordedAtStart;
        this.writer = context.writer(archiveId);
        this.backend = backend;
        this.archiveId = archiveId;
        this.source = source;
        this.startDataVersion = startDataVersion;
        this.attributesAtStart = attributesAtStart;
        this.upload = upload;
        this.checksum = ContentChecksum.start(backend.checksumAlgorithm());
        this.streamedBlocks = upload != null && blockSize > layout.chunkSize()
                ? new StreamedBlocks(blockSize, layout, context.streamedUploads()) : null;
    }

    /**
     * Prepares the archive of a begun action.
     *
     * @return the transfer to submit to the pipeline, or null when the action was already ended here (for example
     *         because the file is already archived at its current data version)
     */
    static ArchiveTransfer prepare(ActionContext context, CopyAction action, int archiveId, ActionStop stop,
                                   Runnable onEnded) throws Exception {
        LustreFile file = new LustreFile(context.mount(), action.item().fid());
        ArchiveBackend backend = context.backend(archiveId);
        String path = file.relativePath(context.fids());
        String blob = backend.objectName(path);
        FdChannel source = new FdChannel(action.fd(), file.fid().bracketed() + " " + path);
        try {
            // all through the descriptor the coordinator's agent opened, none by the file's FID path: each lookup of
            // a name is a request to the MDS (a FUSE LOOKUP in the simulator), per small file
            Map<String, Object> unix = LustreFile.unixAttributes(source.fd());
            long size = (Long) unix.get("size");
            long dataVersion = context.dataVersions().dataVersion(source.fd(), DataVersions.LL_DV_RD_FLUSH);
            Optional<ArchiveRecord> record = context.records().read(source.fd(), source.description());
            if (alreadyArchived(record, backend, archiveId, blob, dataVersion, size)
                    && !context.records().damaged(file.fidPath(), record.get())) {
                LOG.fine(() -> "ARCHIVE " + file + " path " + path + ": already archived at data version "
                        + Long.toUnsignedString(dataVersion) + " as " + blob + "; nothing to copy");
                FailureNotes.actionEnding(file, source, null, HsmCopytoolAction.ARCHIVE, ActionOutcome.SUCCESS,
                        null);
                source.close();
                try {
                    action.end(0, size, 0, 0);
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "ARCHIVE " + file + " path " + path + ": llapi_hsm_action_end failed: "
                            + e.getMessage());
                } finally {
                    onEnded.run();
                }
                return null;
            }
            long blockSize = backend.chunkSize(size);
            int ringChunk = context.maxChunkSize();
            // whole ring chunks per block: ring chunks that divide the block, else the block rounded up to them
            int chunkSize = StreamedBlocks.ringChunkDividing(blockSize, ringChunk);
            if (chunkSize < 0) {
                blockSize = ((blockSize + ringChunk - 1) / ringChunk) * ringChunk;
                chunkSize = ringChunk;
            }
            boolean whole = size <= Math.min(backend.singleRequestLimit(), chunkSize);
            ChunkLayout layout = new ChunkLayout(size, chunkSize);
            // Blocks an earlier attempt at this very file version staged are found and not sent again (UploadKey).
            ChunkedUpload upload = whole ? null : backend.beginUpload(blob, size, blockSize,
                    new UploadKey(file.fid().bracketed(), dataVersion));
            FileAttributes attributes = file.attributes(unix, dataVersion, null);
            FileLayout fileLayout = savedLayout(source, file, path);
            String posixAcl = posixAcl(backend, source, file, path, attributes.mode());
            // The name is this file's to overwrite only on the version its own record names; else it must be empty.
            // A wrong belief costs nothing until the write, which the ConditionalWriter then resolves.
            WriteCondition believed = record.filter(r -> r.archiveId() == archiveId && r.blob().equals(blob)
                    && r.etag() != null && !r.etag().isEmpty())
                    .map(r -> WriteCondition.etag(r.etag())).orElse(WriteCondition.absent());
            return new ArchiveTransfer(layout, context, action, file, path, blob, stop, onEnded, backend, archiveId,
                    source,
                    dataVersion, attributes, fileLayout, posixAcl, upload, blockSize, believed, record.isPresent());
        } catch (Exception e) {
            source.close();
            throw e;
        }
    }

    /**
     * The file's layout, read from the descriptor being archived, to be given back at restore (lhsmtool_posix.c
     * ct_archive: "saving stripe is not critical"): a file whose layout cannot be read is archived all the same, and
     * its restore gives it the file system's default layout.
     */
    private static FileLayout savedLayout(FdChannel source, LustreFile file, String path) {
        try {
            Optional<byte[]> raw = LayoutAttribute.read(source.fd(), file.fid().bracketed() + " " + path);
            if (raw.isEmpty()) {
                return null; // no layout at all (never written, created without one): nothing to give back
            }
            Optional<FileLayout> saved = FileLayout.saved(raw.get());
            if (saved.isEmpty()) {
                LOG.info("ARCHIVE " + file + " path " + path + ": its layout (" + raw.get().length + " bytes) is"
                        + " not saved: more than " + FileLayout.MAX_SAVED + " bytes; a restore gives it the default"
                        + " layout");
            }
            return saved.orElse(null);
        } catch (IOException e) {
            LOG.warning("ARCHIVE " + file + " path " + path + ": cannot save its striping (" + e.getMessage()
                    + "); archiving it without: a restore gives it the default layout");
            return null;
        }
    }

    /**
     * The file's extended POSIX ACL, read from the descriptor being archived, for an archive that keeps ACLs (a
     * hierarchical account); null otherwise. Unlike the layout it is not optional: an ACL that does not parse fails
     * the archive (EINVAL, not retried), naming the file, rather than leaving the copy without the access it grants.
     */
    private static String posixAcl(ArchiveBackend backend, FdChannel source, LustreFile file, String path, int mode)
            throws IOException, ActionFailure {
        if (!backend.carriesPosixAcls()) {
            return null;
        }
        try {
            return PosixAcls.ofFile(source.fd(), file.fid().bracketed() + " " + path, mode);
        } catch (PosixAcl.InvalidAclException e) {
            throw new ActionFailure(Errno.EINVAL, false, e.getMessage(), e);
        }
    }

    /** A duplicate request for a file whose verified copy at this very data version is already in the archive. */
    /**
     * The record names this blob at this data version and the blob still has the recorded ETag and the file's size
     * (a copy of another size is no copy of this version, whatever the record says).
     */
    private static boolean alreadyArchived(Optional<ArchiveRecord> record, ArchiveBackend backend, int archiveId,
                                           String blob, long dataVersion, long size) throws ArchiveException {
        if (record.isEmpty() || record.get().archiveId() != archiveId || record.get().dataVersion() != dataVersion
                || !record.get().blob().equals(blob)) {
            return false;
        }
        var stored = backend.stat(blob);
        return stored.isPresent() && stored.get().etag() != null && stored.get().etag().equals(record.get().etag())
                && stored.get().size() == size;
    }

    @Override
    protected void readChunk(TransferEvent event) throws IOException {
        source.readFully(event.buffer(), event.offset());
    }

    @Override
    protected void checksumChunk(TransferEvent event) {
        checksum.update(event.buffer());
        if (streamedBlocks != null) {
            streamedBlocks.checksum(event);
        }
        if (event.chunkIndex() == layout().chunkCount() - 1) {
            contentChecksum = checksum.finish();
        }
    }

    @Override
    protected void writeChunk(TransferEvent event) throws Exception {
        if (upload == null) {
            ObjectAttributes attributes = objectAttributes();
            // a repeated write after a lost answer finds the first one's blob, which the writer adopts as its own
            storedWhole = patiently("writing blob " + blob, () -> writer.write(blob, believed, identity(),
                    c -> backend.putWhole(blob, event.buffer().duplicate(), attributes, c), describe()));
        } else if (streamedBlocks == null) {
            // handed to the agent's block uploads: a file alone gets up to its archive's max_concurrency Put Blocks
            // in flight; the ring slot, whose buffer the upload reads, stays held until the upload is done
            int index = event.chunkIndex();
            long offset = event.offset();
            int length = event.length();
            ByteBuffer chunk = event.buffer().duplicate();
            event.writeContinues(context.blockUploads().start(() -> {
                try {
                    patiently("staging block " + index + " of blob " + blob, () -> {
                        upload.stage(index, chunk);
                        return null;
                    });
                    // counted as moved when it is staged, not when the ring's last stage reaches its slot: uploads
                    // finish in any order (a bandwidth limit may let a later block go first), and the coordinator
                    // should hear of every byte sent, not wait behind the slowest block before it
                    recordLanded(offset, length);
                } catch (Exception e) {
                    fail(e);
                }
            }));
        } else {
            streamedBlocks.stageIfBlockComplete(event, this::stageStreamedBlock);
        }
    }

    private void stageStreamedBlock(int block, long offset, long length, byte[] blockMd5, ByteBuffer buffer) {
        try {
            patiently("staging block " + block + " of blob " + blob, () -> {
                upload.stage(block, new FdRangeInputStream(source, offset, length, buffer), length, blockMd5);
                return null;
            });
            recordLanded(offset, length);
        } catch (Exception e) {
            fail(e);
        }
    }

    @Override
    protected boolean landsAtCompletion() {
        return upload == null; // blocks record themselves when staged (ring blocks and streamed blocks alike)
    }

    @Override
    protected void finish() {
        if (streamedBlocks != null) {
            streamedBlocks.awaitAll();
        }
        if (upload != null) {
            long resumed = upload.resumedBytes();
            context.metrics().archiveResumed(archiveId, resumed);
            if (resumed > 0) {
                LOG.info(describe() + ": resumed, " + resumed + " of " + layout().size() + " bytes were staged"
                        + " already by an earlier attempt and not sent again");
            }
        }
        if (isAborted()) {
            abandon(abortOutcome(), failure());
            return;
        }
        try {
            long nowDataVersion = context.dataVersions().dataVersion(source.fd(), DataVersions.LL_DV_RD_FLUSH);
            if (nowDataVersion != startDataVersion) {
                throw new ActionFailure(ActionOutcome.EBUSY, false, "file changed while it was archived (data version "
                        + Long.toUnsignedString(startDataVersion) + " -> " + Long.toUnsignedString(nowDataVersion) + ")");
            }
            int parts = streamedBlocks != null ? streamedBlocks.blockCount() : layout().chunkCount();
            ObjectAttributes attributes = objectAttributes();
            StoredObject stored = upload == null ? storedWhole
                    : patiently("committing blob " + blob, () -> writer.write(blob, believed, identity(),
                            c -> upload.commit(parts, attributes, c), describe()));
            committed = true;
            verify(stored);
            record(new ArchiveRecord(archiveId, blob, stored.etag(), md5(), startDataVersion, crc32c(), fileLayout));
            endAction(ActionOutcome.SUCCESS, layout().size(), null); // the failure note cleared through source
            source.close();
            if (context.releaseAfterArchive().contains(archiveId)) {
                release();
            }
        } catch (Exception e) {
            fail(e);
            abandon(ActionOutcome.of(e), e);
        }
    }

    /**
     * Records the archive on the file. A file that had no record when the action began gets it created (one request
     * that fails if another agent recorded an archive meanwhile); otherwise, or when one was, the record found now is
     * checked first ({@link #refuseIfANewerArchiveRecorded}).
     */
    private void record(ArchiveRecord archived) throws IOException, ActionFailure {
        if (!recordedAtStart && context.records().create(source.fd(), source.description(), archived)) {
            return;
        }
        refuseIfANewerArchiveRecorded();
        context.records().write(source.fd(), source.description(), archived);
    }

    /**
     * Two agents can archive one file at two data versions; the older one must not overwrite the newer one's record
     * (the record would then name a version the name no longer holds). Data versions only grow.
     */
    private void refuseIfANewerArchiveRecorded() throws IOException, ActionFailure {
        Optional<ArchiveRecord> current = context.records().read(source.fd(), source.description());
        if (current.isPresent() && current.get().archiveId() == archiveId
                && Long.compareUnsigned(current.get().dataVersion(), startDataVersion) > 0) {
            throw new ActionFailure(ActionOutcome.EBUSY, false, "an archive of a newer data version ("
                    + Long.toUnsignedString(current.get().dataVersion()) + ") was recorded meanwhile");
        }
    }

    private void verify(StoredObject stored) throws ActionFailure {
        if (stored == null) {
            throw new ActionFailure(ActionOutcome.EIO, true, "no object was stored");
        }
        if (stored.size() != layout().size()) {
            throw new ActionFailure(ActionOutcome.EIO, true, "archive holds " + stored.size() + " bytes, file has "
                    + layout().size());
        }
        if (stored.contentMd5() != null && !Arrays.equals(stored.contentMd5(), md5())) {
            throw new ActionFailure(ActionOutcome.EIO, true, "archive's Content-MD5 differs from the MD5 of the data read");
        }
    }

    @Override
    protected FdChannel openFile() {
        return source.isOpen() ? source : null; // once closed, its number may be another file's
    }

    private void abandon(ActionOutcome outcome, Throwable cause) {
        if (upload != null && !committed) {
            upload.abort();
        }
        endAction(outcome, 0, cause); // the failure note left through source
        source.close();
    }

    /** Frees the file's data on Lustre right after its verified archive, through the ordinary HSM release rules. */
    private void release() {
        try {
            context.hsmFiles().request(file.fidPath(), HsmUserAction.RELEASE, archiveId, 0, List.of(file.fid()),
                    new byte[0]);
        } catch (Exception e) {
            LOG.log(Level.WARNING, describe() + ": archived, but release_after_archive failed: " + e.getMessage());
        }
    }

    private ObjectAttributes objectAttributes() {
        FileAttributes a = attributesAtStart;
        FileAttributes withMd5 = new FileAttributes(a.type(), a.uid(), a.gid(), a.mode(), a.mtime(), a.atime(),
                a.ctime(), a.fid(), a.dataVersion(), md5(), null);
        Map<String, String> metadata = context.metadataCodec().encode(withMd5);
        if (crc32c() != null) {
            metadata.put(BlobMetadataCodec.CRC32C, HexFormat.of().formatHex(crc32c()));
        }
        if (fileLayout != null) {
            metadata.put(BlobMetadataCodec.LAYOUT, fileLayout.hex());
        }
        // written to the archive's access tier
        return ObjectAttributes.fileData(md5(), metadata).withPosixAcl(posixAcl);
    }

    /** This archive as the blob's metadata will describe it, for judging an object found at the name. */
    private WriterIdentity identity() {
        return new WriterIdentity(file.fid().bracketed(), startDataVersion, layout().size(), md5(), crc32c());
    }

    private byte[] md5() {
        return checksum.algorithm() == ChecksumAlgorithm.MD5 ? contentChecksum : null;
    }

    private byte[] crc32c() {
        return checksum.algorithm() == ChecksumAlgorithm.CRC32C ? contentChecksum : null;
    }
}

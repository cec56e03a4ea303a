package io.azlhsm.copytool.archive.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkLayout;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ContentMd5;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StagedChunks;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.MetadataLimits;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A blob staged block by block (Put Block with its own Content-MD5, which the service verifies) and committed once
 * (Put Block List with the whole file's Content-MD5 and metadata, under the caller's write condition).
 *
 * <p>Resuming: the blocks the blob had staged, uncommitted, when the upload began ({@code alreadyStaged}, id to size)
 * are not sent again when a block's {@link BlockIds id} and size match, which the id makes mean "same file, same data
 * version, same block size, same index, same bytes"; the caller still reads and checksums every byte.
 *
 * <p>Abort cannot delete staged blocks (the service has no such request): it stops this upload, and the service
 * discards the blocks at the blob's next commit or after 7 days. Nothing is ever committed by an aborted upload.
 */
final class AzureChunkedUpload implements ChunkedUpload {
    private final AzureBlobBackend backend;
    private final ChunkLayout layout;
    private final BlockBlobClient blob;
    private final BlockIds blockIds;
    private final StagedChunks staged;
    private final Map<String, Long> alreadyStaged;
    private final AtomicReferenceArray<String> ids; // the id each block was staged (or found) under
    private final AtomicLong resumedBytes = new AtomicLong();
    private volatile boolean aborted;

    AzureChunkedUpload(AzureBlobBackend backend, ChunkLayout layout, BlockBlobClient blob, BlockIds blockIds,
                       Map<String, Long> alreadyStaged) {
        this.backend = backend;
        this.layout = layout;
        this.blob = blob;
        this.blockIds = blockIds;
        this.staged = new StagedChunks(layout.objectName(), layout.chunkCount());
        this.alreadyStaged = Map.copyOf(alreadyStaged);
        this.ids = new AtomicReferenceArray<>(layout.chunkCount());
    }

    /** True (and the block counted as staged) when the blob holds this very block already, uncommitted. */
    private boolean foundStaged(int index, String id, long length) {
        Long size = alreadyStaged.get(id);
        if (size == null || size != length) {
            return false;
        }
        ids.set(index, id);
        staged.markStaged(index);
        resumedBytes.addAndGet(length);
        return true;
    }

    @Override
    public long resumedBytes() {
        return resumedBytes.get();
    }

    @Override
    public void stage(int index, ByteBuffer chunk) throws ArchiveException {
        checkNotAborted();
        layout.check(index, chunk.remaining());
        byte[] md5 = ContentMd5.of(chunk);
        String id = blockIds.id(index, md5);
        if (foundStaged(index, id, chunk.remaining())) {
            return;
        }
        BlockBlobStageBlockOptions options =
                new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(chunk.duplicate())).setContentMd5(md5);
        backend.call(layout.objectName(), "Put Block " + index,
                () -> blob.stageBlockWithResponse(options, null, Context.NONE));
        ids.set(index, id);
        staged.markStaged(index);
    }

    @Override
    public void stage(int index, InputStream data, long length, byte[] md5) throws ArchiveException {
        checkNotAborted();
        layout.check(index, length);
        if (!data.markSupported()) {
            // A non-replayable body would make the SDK buffer the whole block in memory before sending it.
            throw ArchiveException.of(Kind.INVALID, layout.objectName(), "streamed block " + index + " is not replayable");
        }
        String id = blockIds.id(index, md5);
        if (foundStaged(index, id, length)) {
            return;
        }
        BlockBlobStageBlockOptions options =
                new BlockBlobStageBlockOptions(id, BinaryData.fromStream(data, length)).setContentMd5(md5);
        backend.call(layout.objectName(), "Put Block " + index + " (streamed)",
                () -> blob.stageBlockWithResponse(options, null, Context.NONE));
        ids.set(index, id);
        staged.markStaged(index);
    }

    @Override
    public StoredObject commit(int chunkCount, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        checkNotAborted();
        MetadataLimits.check(layout.objectName(), attributes.metadata());
        staged.checkComplete(chunkCount);
        BlockBlobItem item = backend.tagged(layout.objectName(), attributes, tags -> {
            BlockBlobCommitBlockListOptions options = new BlockBlobCommitBlockListOptions(blockList(chunkCount))
                    .setHeaders(new BlobHttpHeaders().setContentMd5(attributes.contentMd5()))
                    .setMetadata(attributes.metadata())
                    .setTags(tags)
                    .setTier(backend.accessTier(attributes))
                    .setRequestConditions(AzureBlobBackend.conditions(condition));
            return backend.call(layout.objectName(), "Put Block List",
                    () -> blob.commitBlockListWithResponse(options, null, Context.NONE).getValue());
        });
        return new StoredObject(layout.objectName(), layout.size(), AzureBlobBackend.etag(item.getETag()),
                attributes.contentMd5(), attributes.metadata(),
                item.getLastModified() == null ? null : item.getLastModified().toInstant());
    }

    /** The ids of blocks 0..count-1, in order: the block list to commit (every one staged, as checked before). */
    private List<String> blockList(int count) {
        List<String> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(ids.get(i));
        }
        return list;
    }

    @Override
    public void abort() {
        aborted = true;
    }

    private void checkNotAborted() throws ArchiveException {
        if (aborted) {
            throw ArchiveException.of(Kind.INVALID, layout.objectName(), "the upload was aborted");
        }
    }
}

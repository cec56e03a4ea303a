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

/**
 * A blob staged block by block (Put Block with its own Content-MD5, which the service verifies) and committed once
 * (Put Block List with the whole file's Content-MD5 and metadata).
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
    private volatile boolean aborted;

    AzureChunkedUpload(AzureBlobBackend backend, ChunkLayout layout, BlockBlobClient blob, BlockIds blockIds) {
        this.backend = backend;
        this.layout = layout;
        this.blob = blob;
        this.blockIds = blockIds;
        this.staged = new StagedChunks(layout.objectName(), layout.chunkCount());
    }

    @Override
    public void stage(int index, ByteBuffer chunk) throws ArchiveException {
        checkNotAborted();
        layout.check(index, chunk.remaining());
        BlockBlobStageBlockOptions options =
                new BlockBlobStageBlockOptions(blockIds.id(index), BinaryData.fromByteBuffer(chunk.duplicate()))
                        .setContentMd5(ContentMd5.of(chunk));
        backend.call(layout.objectName(), "Put Block " + index,
                () -> blob.stageBlockWithResponse(options, null, Context.NONE));
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
        BlockBlobStageBlockOptions options =
                new BlockBlobStageBlockOptions(blockIds.id(index), BinaryData.fromStream(data, length))
                        .setContentMd5(md5);
        backend.call(layout.objectName(), "Put Block " + index + " (streamed)",
                () -> blob.stageBlockWithResponse(options, null, Context.NONE));
        staged.markStaged(index);
    }

    @Override
    public StoredObject commit(int chunkCount, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        checkNotAborted();
        MetadataLimits.check(layout.objectName(), attributes.metadata());
        staged.checkComplete(chunkCount);
        BlockBlobItem item = backend.tagged(layout.objectName(), attributes, tags -> {
            BlockBlobCommitBlockListOptions options = new BlockBlobCommitBlockListOptions(blockIds.firstN(chunkCount))
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

package io.azlhsm.copytool.archive;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * One object being written in chunks. {@link #stage} may be called from several threads at once and in any order;
 * nothing is visible at the object's name until {@link #commit} succeeds.
 *
 * <p>Chunk {@code i} covers bytes {@code [i × chunkSize, min((i + 1) × chunkSize, size))}; a chunk of any other
 * length is refused INVALID, so a pipeline bug cannot commit a short object.
 */
public interface ChunkedUpload {

    /** Stores chunk {@code index} (0..n-1) from {@code chunk}'s remaining bytes; the buffer's position is unchanged. */
    void stage(int index, ByteBuffer chunk) throws ArchiveException;

    /**
     * Stores chunk {@code index} from a stream of exactly {@code length} bytes, for chunks too large to pass through a
     * memory buffer. The stream must support mark/reset (it is replayed when a request is retried); {@code md5} is the
     * chunk's MD5, which the archive verifies on receipt.
     */
    void stage(int index, InputStream data, long length, byte[] md5) throws ArchiveException;

    /**
     * Makes the object visible with all {@code chunkCount} chunks, Content-MD5 = {@code attributes.contentMd5()} and
     * the metadata, if {@code condition} holds at the name. INVALID if {@code chunkCount} is not the upload's chunk
     * count or a chunk was never staged; PRECONDITION if the condition does not hold, or if another writer's commit
     * of the name discarded this upload's staged chunks. A commit refused PRECONDITION may be retried with another
     * condition as long as the upload's chunks are still staged.
     */
    StoredObject commit(int chunkCount, ObjectAttributes attributes, WriteCondition condition) throws ArchiveException;

    /**
     * Bytes of the chunks staged so far that were not sent because an earlier upload of the same file version had
     * staged them already ({@link ArchiveBackend#beginUpload(String, long, long, UploadKey)}).
     */
    default long resumedBytes() {
        return 0;
    }

    /** Best effort: drops what was staged; leaves no committed object. Safe to call after a failed commit. */
    void abort();
}

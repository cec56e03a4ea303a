package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkLayout;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StagedChunks;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.MetadataLimits;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Chunks written in place at index × chunkSize into one temporary file, renamed over the name at commit. */
final class PosixChunkedUpload implements ChunkedUpload {
    private final ChunkLayout layout;
    private final TemporaryObject temporary;
    private final FidIndex fidIndex;
    private final StagedChunks staged;
    private volatile boolean aborted;

    PosixChunkedUpload(ChunkLayout layout, TemporaryObject temporary, FidIndex fidIndex) {
        this.layout = layout;
        this.temporary = temporary;
        this.fidIndex = fidIndex;
        this.staged = new StagedChunks(layout.objectName(), layout.chunkCount());
    }

    @Override
    public void stage(int index, ByteBuffer chunk) throws ArchiveException {
        checkNotAborted();
        layout.check(index, chunk.remaining());
        temporary.write(chunk.duplicate(), layout.offset(index));
        staged.markStaged(index);
    }

    @Override
    public void stage(int index, InputStream data, long length, byte[] md5) throws ArchiveException {
        checkNotAborted();
        layout.check(index, length);
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
        long written = 0;
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("MD5");
            while (written < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - written));
                int n = data.read(buffer.array(), 0, buffer.limit());
                if (n < 0) {
                    throw ArchiveException.of(ArchiveException.Kind.CORRUPT, layout.objectName(), "streamed block "
                            + index + " ended after " + written + " of " + length + " bytes");
                }
                buffer.limit(n);
                digest.update(buffer.array(), 0, n);
                temporary.write(buffer, layout.offset(index) + written);
                written += n;
            }
            if (md5 != null && !java.util.Arrays.equals(md5, digest.digest())) {
                throw ArchiveException.of(ArchiveException.Kind.CORRUPT, layout.objectName(), "streamed block "
                        + index + " does not match its MD5");
            }
        } catch (java.io.IOException e) {
            throw ArchiveException.of(ArchiveException.Kind.TRANSIENT, layout.objectName(), "reading streamed block "
                    + index + " failed: " + e.getMessage());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
        staged.markStaged(index);
    }

    @Override
    public StoredObject commit(int chunkCount, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        checkNotAborted();
        MetadataLimits.check(layout.objectName(), attributes.metadata());
        staged.checkComplete(chunkCount);
        fidIndex.record(layout.objectName(), attributes.metadata());
        StoredObject published = temporary.publish(attributes, condition); // refused: still staged, may retry
        temporary.discard();
        return published;
    }

    @Override
    public void abort() {
        aborted = true;
        temporary.discard();
    }

    private void checkNotAborted() throws ArchiveException {
        if (aborted) {
            throw ArchiveException.of(ArchiveException.Kind.INVALID, layout.objectName(), "the upload was aborted");
        }
    }
}

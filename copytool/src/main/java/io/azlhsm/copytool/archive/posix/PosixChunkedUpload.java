package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkLayout;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StagedChunks;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.MetadataLimits;
import java.nio.ByteBuffer;

/** Chunks written in place at index × chunkSize into one temporary file, renamed over the name at commit. */
final class PosixChunkedUpload implements ChunkedUpload {
    private final ChunkLayout layout;
    private final TemporaryObject temporary;
    private final StagedChunks staged;
    private volatile boolean aborted;

    PosixChunkedUpload(ChunkLayout layout, TemporaryObject temporary) {
        this.layout = layout;
        this.temporary = temporary;
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
    public StoredObject commit(int chunkCount, ObjectAttributes attributes) throws ArchiveException {
        checkNotAborted();
        MetadataLimits.check(layout.objectName(), attributes.metadata());
        staged.checkComplete(chunkCount);
        try {
            return temporary.publish(attributes);
        } finally {
            temporary.discard();
        }
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

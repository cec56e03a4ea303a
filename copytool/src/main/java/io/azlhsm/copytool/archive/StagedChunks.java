package io.azlhsm.copytool.archive;

import io.azlhsm.copytool.archive.ArchiveException.Kind;
import java.util.BitSet;

/** Which chunks of an upload have been staged; threads staging different chunks record them concurrently. */
public final class StagedChunks {
    private final String objectName;
    private final int chunkCount;
    private final BitSet staged;

    public StagedChunks(String objectName, int chunkCount) {
        this.objectName = objectName;
        this.chunkCount = chunkCount;
        this.staged = new BitSet(chunkCount);
    }

    public synchronized void markStaged(int index) {
        staged.set(index);
    }

    /** INVALID unless the commit names the upload's chunk count and every chunk was staged. */
    public synchronized void checkComplete(int claimedChunkCount) throws ArchiveException {
        if (claimedChunkCount != chunkCount) {
            throw ArchiveException.of(Kind.INVALID, objectName,
                    "commit of " + claimedChunkCount + " chunks, but the upload has " + chunkCount);
        }
        int missing = staged.nextClearBit(0);
        if (missing < chunkCount) {
            throw ArchiveException.of(Kind.INVALID, objectName, "chunk " + missing + " of " + chunkCount
                    + " was never staged (" + (chunkCount - staged.cardinality()) + " missing)");
        }
    }
}

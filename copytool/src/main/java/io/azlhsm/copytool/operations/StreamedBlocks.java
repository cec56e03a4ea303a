package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.pipeline.ChunkLayout;
import io.azlhsm.copytool.pipeline.TransferEvent;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Bookkeeping for blocks made of several ring chunks: the MD5 of each block, computed by the in-order checksum stage,
 * and the block uploads started once the ring has seen a block's last chunk.
 *
 * <p>Uploads run on the agent's {@link StreamedUploads}, which bounds them agent-wide; the write stage blocks while
 * all are busy, which holds the ring back instead of letting it read far ahead of the network.
 */
final class StreamedBlocks {
    /** Uploads one block from the source, reading through {@code buffer}; records its own failure on the transfer. */
    @FunctionalInterface
    interface BlockStager {
        void stage(int block, long offset, long length, byte[] md5, ByteBuffer buffer);
    }

    private final long blockSize;
    private final int chunksPerBlock;
    private final ChunkLayout layout;
    private final byte[][] blockMd5;
    private final MessageDigest blockDigest; // checksum stage only
    private final StreamedUploads uploaders;
    private final List<CompletableFuture<Void>> uploads = new ArrayList<>();

    StreamedBlocks(long blockSize, ChunkLayout layout, StreamedUploads uploaders) {
        this.blockSize = blockSize;
        this.chunksPerBlock = (int) (blockSize / layout.chunkSize());
        this.layout = layout;
        this.blockMd5 = new byte[(int) ((layout.size() + blockSize - 1) / blockSize)][];
        this.uploaders = uploaders;
        try {
            this.blockDigest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    /**
     * The chunk size for the ring when blocks are larger than its slots: the largest size of at most {@code ringChunk}
     * bytes (and at least half of it, so chunks stay large) of which the block is a whole number, so each block is
     * whole ring chunks and keeps the size the archive chose (a 4,000 MiB block over 64 MiB slots: 64 chunks of 62.5
     * MiB); -1 when there is none (an odd configured block size), and the caller rounds the block up instead.
     */
    static int ringChunkDividing(long blockSize, int ringChunk) {
        if (blockSize <= ringChunk) {
            return (int) blockSize;
        }
        for (long chunks = (blockSize + ringChunk - 1) / ringChunk; blockSize / chunks >= ringChunk / 2; chunks++) {
            if (blockSize % chunks == 0) {
                return (int) (blockSize / chunks);
            }
        }
        return -1;
    }

    int blockCount() {
        return blockMd5.length;
    }

    /** Checksum stage: adds the chunk to its block's MD5, finishing it at the block's last chunk. */
    void checksum(TransferEvent event) {
        blockDigest.update(event.buffer().duplicate());
        if (isLastChunkOfBlock(event.chunkIndex())) {
            blockMd5[event.chunkIndex() / chunksPerBlock] = blockDigest.digest();
        }
    }

    /** Write stage: once the ring has passed a block's last chunk, starts that block's upload. */
    void stageIfBlockComplete(TransferEvent event, BlockStager stager) throws InterruptedException {
        if (!isLastChunkOfBlock(event.chunkIndex())) {
            return;
        }
        int block = event.chunkIndex() / chunksPerBlock;
        long offset = block * blockSize;
        long length = Math.min(blockSize, layout.size() - offset);
        byte[] md5 = blockMd5[block];
        CompletableFuture<Void> upload = uploaders.start(buffer -> stager.stage(block, offset, length, md5, buffer));
        synchronized (uploads) {
            uploads.add(upload);
        }
    }

    /** Waits for every started block upload; failures were already recorded on the transfer. */
    void awaitAll() {
        List<CompletableFuture<Void>> started;
        synchronized (uploads) {
            started = List.copyOf(uploads);
        }
        for (CompletableFuture<Void> upload : started) {
            upload.exceptionally(failure -> null).join();
        }
    }

    private boolean isLastChunkOfBlock(int chunkIndex) {
        return chunkIndex % chunksPerBlock == chunksPerBlock - 1 || chunkIndex == layout.chunkCount() - 1;
    }
}

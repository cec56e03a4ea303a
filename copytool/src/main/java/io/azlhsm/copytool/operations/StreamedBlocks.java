package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.pipeline.ChunkLayout;
import io.azlhsm.copytool.pipeline.TransferEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Bookkeeping for blocks made of several ring chunks: the MD5 of each block, computed by the in-order checksum stage,
 * and the block uploads started once the ring has seen a block's last chunk.
 *
 * <p>At most {@code concurrency} blocks of one transfer upload at once; the write stage blocks when that many are in
 * flight, which holds the ring back instead of letting it read far ahead of the network.
 */
final class StreamedBlocks {
    /** Uploads one block from the source; records its own failure on the transfer. */
    @FunctionalInterface
    interface BlockStager {
        void stage(int block, long offset, long length, byte[] md5);
    }

    /** Threads for streamed block uploads, shared by all transfers; their number is bounded by the permits. */
    private static final ExecutorService UPLOADERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "streamed-block-upload");
        thread.setDaemon(true);
        return thread;
    });

    private final long blockSize;
    private final int chunksPerBlock;
    private final ChunkLayout layout;
    private final byte[][] blockMd5;
    private final MessageDigest blockDigest; // checksum stage only
    private final Semaphore permits;
    private final List<CompletableFuture<Void>> uploads = new ArrayList<>();

    StreamedBlocks(long blockSize, ChunkLayout layout, int concurrency) {
        this.blockSize = blockSize;
        this.chunksPerBlock = (int) (blockSize / layout.chunkSize());
        this.layout = layout;
        this.blockMd5 = new byte[(int) ((layout.size() + blockSize - 1) / blockSize)][];
        this.permits = new Semaphore(Math.max(1, concurrency));
        try {
            this.blockDigest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
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
        permits.acquire();
        CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
            try {
                stager.stage(block, offset, length, md5);
            } finally {
                permits.release();
            }
        }, UPLOADERS);
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

package io.azlhsm.copytool.operations;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's uploads of ring-chunk blocks, handed off by the write stage so that one large file alone can have as
 * many Put Blocks in flight as its archive allows ({@code archive.N.max_concurrency}), not only as many as the ring has
 * write handlers ({@code pipeline.writers}). Each upload reads its ring slot's buffer, which the slot keeps until the
 * upload is done ({@link io.azlhsm.copytool.pipeline.TransferEvent#writeContinues}): memory stays bounded by the ring.
 * At most {@code concurrency} run at once, agent-wide; a write handler wanting another waits (which holds the ring
 * back instead of reading far ahead of the network), and the archive's own request slots still bound what one
 * archive sends at once.
 */
public final class BlockUploads implements AutoCloseable {
    private final Semaphore running;
    private final ExecutorService threads;

    public BlockUploads(int concurrency) {
        int bound = Math.max(1, concurrency);
        this.running = new Semaphore(bound);
        AtomicInteger counter = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(bound, runnable -> {
            Thread thread = new Thread(runnable, "block-upload-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts an upload once fewer than {@code concurrency} run, waiting for that; the upload records its failures. */
    CompletableFuture<Void> start(Runnable upload) throws InterruptedException {
        running.acquire();
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    upload.run();
                } finally {
                    running.release();
                }
            }, threads);
        } catch (RuntimeException rejected) {
            running.release();
            throw rejected;
        }
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}

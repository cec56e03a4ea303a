package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.pipeline.PipelineSettings;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's streamed block uploads (blocks larger than a ring chunk, read a second time straight from Lustre): at
 * most {@code concurrency} at once, agent-wide, each reading its range through one of as many buffers of
 * {@link PipelineSettings#STREAM_BUFFER_BYTES}, on as many threads. So however many transfers stream blocks, their
 * buffers stay within the memory budget ({@link PipelineSettings#streamBytes}).
 */
public final class StreamedUploads implements AutoCloseable {
    private final int concurrency;
    private final BlockingQueue<ByteBuffer> free;
    private final AtomicInteger made = new AtomicInteger();
    private final ExecutorService threads;

    public StreamedUploads(int concurrency) {
        this.concurrency = Math.max(1, concurrency);
        this.free = new ArrayBlockingQueue<>(this.concurrency);
        AtomicInteger counter = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(this.concurrency, runnable -> {
            Thread thread = new Thread(runnable, "streamed-block-upload-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** One block's upload, reading through the buffer it is given. */
    @FunctionalInterface
    interface Upload {
        void run(ByteBuffer buffer);
    }

    /**
     * Starts an upload once a buffer is free, waiting for one (which holds the write stage, and so the ring, back
     * instead of reading far ahead of the network).
     */
    CompletableFuture<Void> start(Upload upload) throws InterruptedException {
        ByteBuffer buffer = take();
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    upload.run(buffer);
                } finally {
                    free.add(buffer);
                }
            }, threads);
        } catch (RuntimeException rejected) {
            free.add(buffer);
            throw rejected;
        }
    }

    private ByteBuffer take() throws InterruptedException {
        ByteBuffer buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        while (true) {
            int count = made.get();
            if (count >= concurrency) {
                return free.take();
            }
            if (made.compareAndSet(count, count + 1)) {
                return ByteBuffer.allocateDirect(PipelineSettings.STREAM_BUFFER_BYTES);
            }
        }
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}

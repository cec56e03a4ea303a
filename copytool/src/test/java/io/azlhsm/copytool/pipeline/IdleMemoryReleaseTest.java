package io.azlhsm.copytool.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An idle pipeline gives its buffers' memory back to the kernel, and never the memory of a buffer in use: what
 * mincore(2) says is resident, before and after, and the bytes of transfers moved across a release.
 */
class IdleMemoryReleaseTest {
    private static final int CHUNK = 256 * 1024;
    private static final int RING = 16;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ExecutorService finisher = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopFinisher() {
        finisher.shutdownNow();
    }

    @Test
    void aNewPipelineHoldsNoneOfItsRing() {
        try (TransferPipeline pipeline = pipeline(0)) {
            assertEquals(0, ringResident(pipeline), "resident bytes of a ring nothing has used");
        }
    }

    @Test
    void theRingAndFreeLanesGoBackWhenIdleAndLaterTransfersAreIntact() throws Exception {
        try (TransferPipeline pipeline = pipeline(2)) {
            Pattern ringFile = new Pattern(RING * (long) CHUNK, 1, null); // every slot, through the ring
            pipeline.submit(ringFile);
            ringFile.awaitIntact();
            Pattern small = new Pattern(CHUNK, 2, null); // one inline lane, on this thread
            pipeline.submit(small);
            small.awaitIntact();
            // while its slot or lane was held, each chunk's buffer was wholly in memory (no release can run then)
            assertTrue(ringFile.everyChunkWasResident(), "ring slots resident while in use");
            assertTrue(small.everyChunkWasResident(), "lane resident while in use");

            awaitZero(() -> ringResident(pipeline), "ring after an idle period");
            assertEquals(0, ResidentPages.residentBytes(lane(pipeline)), "free lane after an idle period");

            for (long size : new long[] {RING * (long) CHUNK + 12345, CHUNK - 7}) {
                Pattern again = new Pattern(size, 3, null);
                pipeline.submit(again);
                again.awaitIntact();
            }
        }
    }

    @Test
    void aSlotWhoseWriteIsStillRunningKeepsItsMemoryAndItsBytes() throws Exception {
        try (TransferPipeline pipeline = pipeline(0)) {
            CountDownLatch writeMayEnd = new CountDownLatch(1);
            Pattern held = new Pattern(2L * CHUNK, 4, writeMayEnd);
            pipeline.submit(held);
            held.awaitWritesStarted();
            long before = ringResident(pipeline);
            // several idle periods with nothing to publish, but the ring not drained: nothing may be dropped
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(IDLE_NANOS) * 5);
            assertEquals(before, ringResident(pipeline), "resident bytes while two writes hold their slots");
            writeMayEnd.countDown();
            held.awaitIntact();
            awaitZero(() -> ringResident(pipeline), "ring once the writes ended");
        }
    }

    private TransferPipeline pipeline(int lanes) {
        return new TransferPipeline(new PipelineSettings(RING, CHUNK, 2, 2, lanes), finisher, IDLE_NANOS);
    }

    private static long ringResident(TransferPipeline pipeline) {
        long resident = 0;
        for (ByteBuffer buffer : pipeline.ringBuffers()) {
            resident += ResidentPages.residentBytes(buffer);
        }
        return resident;
    }

    private static ByteBuffer lane(TransferPipeline pipeline) {
        return pipeline.freeLaneBuffers().get(0);
    }

    private static void awaitZero(LongSupplier resident, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (resident.getAsLong() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, resident.getAsLong(), "resident bytes of the " + what);
    }

    /** Bytes made from (seed, offset) read into each chunk and written into an array, which must then match. */
    private static final class Pattern extends Transfer {
        private final byte[] target;
        private final int seed;
        private final CountDownLatch writeMayEnd;
        private final CountDownLatch writesStarted;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile boolean chunkNotResident;

        Pattern(long size, int seed, CountDownLatch writeMayEnd) {
            super(new ChunkLayout(size, CHUNK), Priority.ARCHIVE);
            this.target = new byte[(int) size];
            this.seed = seed;
            this.writeMayEnd = writeMayEnd;
            this.writesStarted = new CountDownLatch(layout().chunkCount());
        }

        private byte at(long offset) {
            return (byte) (offset * 31 + seed + (offset >>> 12));
        }

        @Override
        protected void readChunk(TransferEvent event) {
            ByteBuffer buffer = event.buffer();
            for (int i = buffer.position(); i < buffer.limit(); i++) {
                buffer.put(i, at(event.offset() + i));
            }
            buffer.position(buffer.limit());
        }

        @Override
        protected void checksumChunk(TransferEvent event) {
        }

        @Override
        protected void writeChunk(TransferEvent event) throws Exception {
            ByteBuffer buffer = event.buffer();
            if (event.length() == buffer.capacity()
                    && ResidentPages.residentBytes(buffer) != ResidentPages.wholePageBytes(buffer)) {
                chunkNotResident = true;
            }
            writesStarted.countDown();
            if (writeMayEnd != null) {
                assertTrue(writeMayEnd.await(60, TimeUnit.SECONDS), "the test let the write end");
            }
            event.buffer().get(0, target, (int) event.offset(), event.length());
        }

        @Override
        protected void finish() {
            done.complete(null);
        }

        /** Whether every full chunk's buffer was wholly resident when its write began. */
        boolean everyChunkWasResident() {
            return !chunkNotResident;
        }

        void awaitWritesStarted() throws InterruptedException {
            assertTrue(writesStarted.await(30, TimeUnit.SECONDS), "every chunk reached the write stage");
        }

        void awaitIntact() throws Exception {
            done.get(30, TimeUnit.SECONDS);
            assertNull(failure(), "transfer failed");
            byte[] expected = new byte[target.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = at(i);
            }
            assertArrayEquals(expected, target, "bytes moved by transfer " + seed);
        }
    }
}

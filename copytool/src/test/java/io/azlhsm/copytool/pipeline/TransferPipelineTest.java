package io.azlhsm.copytool.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferPipelineTest {
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    private final ExecutorService finisher = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopFinisher() {
        finisher.shutdownNow();
    }

    @Test
    void copiesFilesOfEveryChunkBoundarySizeByteIdenticalWithInOrderDigest() throws Exception {
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(8, CHUNK, 3, 3), finisher)) {
            List<FileCopy> copies = new ArrayList<>();
            for (long size : new long[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 37L * CHUNK + 123}) {
                FileCopy copy = new FileCopy(randomFile("src-" + size, size), dir.resolve("dst-" + size),
                        Transfer.Priority.ARCHIVE);
                copies.add(copy);
                pipeline.submit(copy);
            }
            for (FileCopy copy : copies) {
                copy.done.get(30, TimeUnit.SECONDS);
                assertNull(copy.failure(), "copy of " + copy.source + " failed");
                assertArrayEquals(Files.readAllBytes(copy.source), Files.readAllBytes(copy.target));
                assertArrayEquals(md5(copy.source), copy.digest, "streamed digest of " + copy.source);
            }
        }
    }

    @Test
    void landedExtentsCoverTheWholeFileOnce() throws Exception {
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(4, CHUNK, 2, 2), finisher)) {
            long size = 10L * CHUNK + 7;
            FileCopy copy = new FileCopy(randomFile("src", size), dir.resolve("dst"), Transfer.Priority.RESTORE);
            pipeline.submit(copy);
            copy.done.get(30, TimeUnit.SECONDS);
            List<long[]> extents = copy.drainLandedExtents();
            assertEquals(1, extents.size(), "contiguous chunks merge into one extent");
            assertArrayEquals(new long[] {0, size}, extents.get(0));
            assertTrue(copy.drainLandedExtents().isEmpty(), "a drain reports each range once");
        }
    }

    @Test
    void chunksLandOneByOneWhileALaterWriteIsStillBlocked() throws Exception {
        CountDownLatch releaseSixthWrite = new CountDownLatch(1);
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(16, CHUNK, 1, 1), finisher)) {
            FileCopy copy = new FileCopy(randomFile("src", 8L * CHUNK), dir.resolve("dst"), Transfer.Priority.ARCHIVE) {
                @Override
                protected void readChunk(TransferEvent event) throws Exception {
                    if (event.chunkIndex() == 0) { // the next batch of every stage is then chunks 1-7 at once
                        waitUntil(() -> pipeline.chunksInFlight() == 8);
                    }
                    super.readChunk(event);
                }

                @Override
                protected void writeChunk(TransferEvent event) throws Exception {
                    if (event.chunkIndex() == 5) {
                        releaseSixthWrite.await(); // a throttled or slow upload
                    }
                    super.writeChunk(event);
                }
            };
            pipeline.submit(copy);
            List<long[]> landed = new ArrayList<>();
            try {
                waitUntil(() -> {
                    landed.addAll(copy.drainLandedExtents());
                    return landed.stream().mapToLong(extent -> extent[1]).sum() == 5L * CHUNK;
                });
            } finally {
                releaseSixthWrite.countDown();
            }
            copy.done.get(30, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(copy.source), Files.readAllBytes(copy.target));
        }
    }

    @Test
    void restoreTakesTheNextFreeSlotAheadOfQueuedArchiveChunks() throws Exception {
        int ringSize = 4;
        CountDownLatch releaseReads = new CountDownLatch(1);
        List<String> readOrder = Collections.synchronizedList(new ArrayList<>());
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(ringSize, CHUNK, 1, 1), finisher)) {
            FileCopy archive = new FileCopy(randomFile("big", 40L * CHUNK), dir.resolve("big-copy"),
                    Transfer.Priority.ARCHIVE) {
                @Override
                protected void readChunk(TransferEvent event) throws Exception {
                    releaseReads.await();
                    readOrder.add("archive");
                    super.readChunk(event);
                }
            };
            pipeline.submit(archive);
            waitUntil(() -> pipeline.chunksInFlight() == ringSize); // ring full of archive chunks, reader blocked
            // two chunks: a one-chunk file would be moved inline by the submitting thread, not through the ring
            FileCopy restore = new FileCopy(randomFile("small", 2L * CHUNK), dir.resolve("small-copy"),
                    Transfer.Priority.RESTORE) {
                @Override
                protected void readChunk(TransferEvent event) throws Exception {
                    readOrder.add("restore");
                    super.readChunk(event);
                }
            };
            pipeline.submit(restore);
            releaseReads.countDown();
            restore.done.get(30, TimeUnit.SECONDS);
            archive.done.get(30, TimeUnit.SECONDS);
            int restorePosition = readOrder.indexOf("restore");
            assertTrue(restorePosition >= 0 && restorePosition <= ringSize,
                    "restore waited behind more than one ring of archive chunks: position " + restorePosition);
            assertArrayEquals(Files.readAllBytes(archive.source), Files.readAllBytes(archive.target));
        }
    }

    @Test
    void aOneChunkFileIsMovedWholeOnTheSubmittingThreadAndHasFinishedWhenSubmitReturns() throws Exception {
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(4, CHUNK, 2, 2), finisher)) {
            List<String> threads = Collections.synchronizedList(new ArrayList<>());
            for (long size : new long[] {0, 1, CHUNK}) {
                FileCopy copy = new FileCopy(randomFile("one-" + size, size), dir.resolve("one-copy-" + size),
                        Transfer.Priority.ARCHIVE) {
                    @Override
                    protected void writeChunk(TransferEvent event) throws Exception {
                        threads.add(Thread.currentThread().getName());
                        super.writeChunk(event);
                    }
                };
                pipeline.submit(copy);
                assertTrue(copy.done.isDone(), "submit returned before the one-chunk copy finished");
                assertNull(copy.failure());
                assertEquals(1, copy.finishCalls);
                assertArrayEquals(Files.readAllBytes(copy.source), Files.readAllBytes(copy.target));
                assertArrayEquals(md5(copy.source), copy.digest);
                assertEquals(size, copy.drainLandedExtents().stream().mapToLong(e -> e[1]).sum(), "landed bytes");
            }
            assertEquals(Collections.nCopies(3, Thread.currentThread().getName()), threads);
            assertEquals(0, pipeline.chunksInFlight());
        }
    }

    @Test
    void aOneChunkFileWhoseReadFailsEndsFailedOnceWithoutWriting() throws Exception {
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(4, CHUNK, 1, 1), finisher)) {
            FileCopy broken = new FileCopy(randomFile("one-broken", 100), dir.resolve("one-broken-copy"),
                    Transfer.Priority.RESTORE) {
                @Override
                protected void readChunk(TransferEvent event) throws Exception {
                    throw new IOException("injected read error");
                }
            };
            pipeline.submit(broken);
            assertTrue(broken.done.isDone());
            assertEquals("injected read error", broken.failure().getMessage());
            assertEquals(1, broken.finishCalls);
            assertEquals(0, broken.chunksWritten);
            assertTrue(broken.drainLandedExtents().isEmpty(), "a failed chunk never counts as landed");
        }
    }

    @Test
    void canceledTransferSkipsRemainingChunksAndStillFinishesOnce() throws Exception {
        CountDownLatch firstReadStarted = new CountDownLatch(1);
        CountDownLatch cancelIssued = new CountDownLatch(1);
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(4, CHUNK, 1, 1), finisher)) {
            FileCopy copy = new FileCopy(randomFile("src", 1000L * CHUNK), dir.resolve("dst"),
                    Transfer.Priority.ARCHIVE) {
                @Override
                protected void readChunk(TransferEvent event) throws Exception {
                    firstReadStarted.countDown();
                    cancelIssued.await();
                    super.readChunk(event);
                }
            };
            pipeline.submit(copy);
            firstReadStarted.await();
            copy.cancel();
            cancelIssued.countDown();
            copy.done.get(30, TimeUnit.SECONDS);
            assertTrue(copy.isCanceled());
            assertEquals(1, copy.finishCalls);
            assertTrue(copy.chunksWritten < 10, "canceled copy kept writing: " + copy.chunksWritten + " chunks");
        }
    }

    @Test
    void aCanceledTransferWaitingForRingSlotsEndsAtOnceWhileTheRingIsFullOfAnothersChunks() throws Exception {
        int ringSize = 4;
        CountDownLatch releaseWrites = new CountDownLatch(1);
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(ringSize, CHUNK, 1, 1), finisher)) {
            FileCopy slow = new FileCopy(randomFile("slow", 20L * CHUNK), dir.resolve("slow-copy"),
                    Transfer.Priority.ARCHIVE) {
                @Override
                protected void writeChunk(TransferEvent event) throws Exception {
                    releaseWrites.await(); // a throttled upload: minutes per chunk
                    super.writeChunk(event);
                }
            };
            pipeline.submit(slow);
            waitUntil(() -> pipeline.chunksInFlight() == ringSize);
            FileCopy canceled = new FileCopy(randomFile("queued", 3L * CHUNK), dir.resolve("queued-copy"),
                    Transfer.Priority.ARCHIVE);
            pipeline.submit(canceled);
            canceled.cancel();
            try {
                canceled.done.get(10, TimeUnit.SECONDS); // not once the slow transfer's chunks free a slot
                assertEquals(1, canceled.finishCalls);
                assertEquals(0, canceled.chunksWritten);
                assertEquals(ringSize, pipeline.chunksInFlight(), "the slow transfer's chunks were disturbed");
            } finally {
                releaseWrites.countDown();
            }
            slow.done.get(30, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(slow.source), Files.readAllBytes(slow.target));
        }
    }

    @Test
    void aReadFailureFailsOnlyItsOwnTransfer() throws Exception {
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(8, CHUNK, 2, 2), finisher)) {
            FileCopy broken = new FileCopy(randomFile("broken", 20L * CHUNK), dir.resolve("broken-copy"),
                    Transfer.Priority.ARCHIVE) {
                @Override
                protected void readChunk(TransferEvent event) throws Exception {
                    if (event.chunkIndex() == 5) {
                        throw new IOException("injected read error at chunk 5");
                    }
                    super.readChunk(event);
                }
            };
            FileCopy healthy = new FileCopy(randomFile("healthy", 20L * CHUNK), dir.resolve("healthy-copy"),
                    Transfer.Priority.ARCHIVE);
            pipeline.submit(broken);
            pipeline.submit(healthy);
            broken.done.get(30, TimeUnit.SECONDS);
            healthy.done.get(30, TimeUnit.SECONDS);
            assertEquals("injected read error at chunk 5", broken.failure().getMessage());
            assertNull(healthy.failure());
            assertArrayEquals(Files.readAllBytes(healthy.source), Files.readAllBytes(healthy.target));
        }
    }

    @Test
    void concurrentTransfersDigestOnSeparateLanesEachInChunkOrder() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one core: one checksum lane");
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(16, CHUNK, 2, 2), finisher)) {
            List<FileCopy> copies = new ArrayList<>();
            List<java.util.Set<String>> lanesSeen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
                lanesSeen.add(threads);
                copies.add(new FileCopy(randomFile("src" + i, 20L * CHUNK + i), dir.resolve("dst" + i),
                        Transfer.Priority.ARCHIVE) {
                    @Override
                    protected void checksumChunk(TransferEvent event) {
                        threads.add(Thread.currentThread().getName());
                        super.checksumChunk(event);
                    }
                });
            }
            copies.forEach(pipeline::submit);
            for (FileCopy copy : copies) {
                copy.done.get(30, TimeUnit.SECONDS);
                assertNull(copy.failure());
                assertArrayEquals(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(copy.source)),
                        copy.digest, "in-order digest");
                assertArrayEquals(Files.readAllBytes(copy.source), Files.readAllBytes(copy.target));
            }
            assertEquals(1, lanesSeen.get(0).size(), "one transfer, one lane: " + lanesSeen.get(0));
            assertEquals(1, lanesSeen.get(1).size(), "one transfer, one lane: " + lanesSeen.get(1));
            assertNotEquals(lanesSeen.get(0), lanesSeen.get(1), "consecutive transfers share a lane");
        }
    }

    @Test
    void anIdlePipelineBlocksItsThreadsInsteadOfWakingThem() throws Exception {
        // the publisher waits with a timeout until the pipeline has been idle long enough to give its buffers back
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(100);
        try (TransferPipeline pipeline = new TransferPipeline(new PipelineSettings(8, CHUNK, 2, 2), finisher,
                idleNanos)) {
            FileCopy copy = new FileCopy(randomFile("warmup", 3L * CHUNK), dir.resolve("warmup-copy"),
                    Transfer.Priority.ARCHIVE);
            pipeline.submit(copy);
            copy.done.get(30, TimeUnit.SECONDS);
            // Once the ring is drained every stage thread must be parked on the publisher's condition (WAITING), not
            // in a timed sleep it wakes from again and again (TIMED_WAITING): an idle agent must cost no CPU.
            waitUntil(() -> pipelineThreads().stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            int checksumLanes = Math.min(Runtime.getRuntime().availableProcessors(), 2);
            assertEquals(2 + checksumLanes + 2 + 1 + 1, pipelineThreads().size(), "stage threads plus the publisher");
        }
    }

    private static List<Thread> pipelineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("pipeline-") && t.isAlive()).toList();
    }

    private Path randomFile(String name, long size) throws IOException {
        Path file = dir.resolve(name);
        Random random = new Random(size * 31 + name.hashCode());
        byte[] block = new byte[8192];
        try (var out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
        return file;
    }

    private static byte[] md5(Path file) throws Exception {
        return MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in 10 s");
            Thread.sleep(5);
        }
    }

    /** A real transfer between two local files: positional reads and writes, MD5 in the checksum stage. */
    private static class FileCopy extends Transfer {
        final Path source;
        final Path target;
        final FileChannel in;
        final FileChannel out;
        final MessageDigest running;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile byte[] digest;
        volatile int finishCalls;
        volatile int chunksWritten;

        FileCopy(Path source, Path target, Priority priority) throws Exception {
            super(new ChunkLayout(Files.size(source), CHUNK), priority);
            this.source = source;
            this.target = target;
            this.in = FileChannel.open(source, StandardOpenOption.READ);
            this.out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.running = MessageDigest.getInstance("MD5");
        }

        @Override
        protected void readChunk(TransferEvent event) throws Exception {
            ByteBuffer buffer = event.buffer();
            while (buffer.hasRemaining()) {
                if (in.read(buffer, event.offset() + buffer.position()) < 0) {
                    break;
                }
            }
        }

        @Override
        protected void checksumChunk(TransferEvent event) {
            running.update(event.buffer().duplicate());
            if (event.chunkIndex() == layout().chunkCount() - 1) {
                digest = running.digest();
            }
        }

        @Override
        protected void writeChunk(TransferEvent event) throws Exception {
            ByteBuffer buffer = event.buffer();
            long position = event.offset();
            while (buffer.hasRemaining()) {
                position += out.write(buffer, position);
            }
            chunksWritten++;
        }

        @Override
        protected void finish() {
            finishCalls++;
            try {
                in.close();
                out.close();
            } catch (IOException e) {
                fail(e);
            }
            done.complete(null);
        }
    }
}

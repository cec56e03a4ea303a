package io.azlhsm.copytool.jobs.prefetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.release.ReleaseJob;
import io.azlhsm.copytool.jobs.release.ReleaseOptions;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Prefetch and release jobs against the simulated cluster, a running agent and Azurite. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PrefetchReleaseIT {
    private static final Duration SHORT = Duration.ofSeconds(20);

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("prefetch", "");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void prefetchRestoresTwoThousandFilesWithAtMostAHundredRequestsOutstanding() throws Exception {
        int count = 2000;
        long setupStart = System.nanoTime();
        bed.container.createIfNotExists();
        HsmFiles hsm = new HsmFiles(bed.library);
        long now = Instant.now().getEpochSecond();
        ExecutorService uploads = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        List<Path> stubs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "pre/d" + (i % 20) + "/f" + i;
            byte[] content = ("content of " + name + "\n").getBytes(StandardCharsets.UTF_8);
            Path stub = bed.cluster.mount().resolve(name);
            stubs.add(stub);
            // stubs in parallel too: one at a time they took half of this setup (~7 ms per import)
            done.add(uploads.submit(() -> {
                Files.createDirectories(stub.getParent());
                hsm.importFile(stub, 1, content.length, 0644, 0, 0, now, now);
                bed.container.getBlobClient(name).upload(BinaryData.fromBytes(content));
                return null;
            }));
        }
        for (Future<?> upload : done) {
            upload.get();
        }
        uploads.shutdown();

        long setupDone = System.nanoTime();
        AtomicInteger samples = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger mostSeen = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                // active_requests lists only the waiting and running actions: the whole action list would also hold
                // the last minute's finished restores (grace_delay), ~1,500 lines built under the coordinator's
                // lock on every sample, which slowed the restores themselves and took ~0.35 s per sample
                long active = bed.cluster.getParam("active_requests").lines()
                        .filter(l -> l.contains("action=RESTORE") && (l.contains("status=WAITING")
                                || l.contains("status=STARTED"))).count();
                mostSeen.accumulateAndGet((int) active, Math::max);
                samples.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        JobRun run;
        bed.cluster.setParam("max_requests", "64"); // the coordinator runs 64 at once; the job may queue 100
        try {
            // The first downloads wait at the proxy, so no restore can end until the job has reached its bound of
            // 100 outstanding: the bound is reached, and seen, whatever the machine's speed.
            CompletableFuture<JobRun> job;
            try (HoldingProxy.Hold downloads = bed.proxy.hold("downloads of prefetch/pre/",
                    r -> r.isDataRead() && r.path().startsWith("prefetch/pre"))) {
                job = CompletableFuture.supplyAsync(() -> {
                    try {
                        return bed.run(new PrefetchJob(new PrefetchOptions(List.of("pre"), null, 100)));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                Cluster.await("100 restores outstanding", Duration.ofSeconds(60), () -> mostSeen.get() >= 100,
                        () -> "at most " + mostSeen.get() + " seen; " + downloads + "; job " + job);
            }
            run = job.get(240, TimeUnit.SECONDS);
        } finally {
            sampling.set(false);
            sampler.join();
            bed.cluster.setParam("max_requests", "3");
        }
        JobRun prefetch = run;
        // for the record (nothing is asserted about time): where this test's time goes
        System.out.printf("prefetch: setup (stubs, blobs) %.1f s, %d restores %.1f s, %d samples of the coordinator%n",
                (setupDone - setupStart) / 1e9, count, (System.nanoTime() - setupDone) / 1e9, samples.get());
        assertEquals(JobState.COMPLETED, prefetch.state(), prefetch::describe);
        assertEquals(count, prefetch.counter(PrefetchJob.RESTORED));
        assertTrue(prefetch.counter(PrefetchJob.PEAK) <= 100, prefetch::describe);
        assertTrue(mostSeen.get() <= 100, () -> "the coordinator held " + mostSeen.get() + " of our restores");
        for (Path stub : List.of(stubs.get(0), stubs.get(count / 2), stubs.get(count - 1))) {
            assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(stub), stub::toString);
            String name = bed.cluster.mount().relativize(stub).toString();
            assertEquals("content of " + name + "\n", Files.readString(stub));
        }
        JobRun again = bed.run(new PrefetchJob(new PrefetchOptions(List.of("pre"), null, 100)));
        assertEquals(JobState.COMPLETED, again.state(), again::describe);
        assertEquals(0, again.counter(PrefetchJob.TO_RESTORE));
        assertEquals(count, again.counter(PrefetchJob.PRESENT));
    }

    @Test
    void prefetchOfAFileListReportsWhatIsMissing() throws Exception {
        Path a = bed.agent.write("listed/a", 1000);
        Path b = bed.agent.write("listed/b", 2000);
        bed.agent.archive(a, b);
        bed.agent.awaitFlags(a, AgentTestBed.ARCHIVED, SHORT);
        bed.agent.awaitFlags(b, AgentTestBed.ARCHIVED, SHORT);
        bed.agent.release(a, b);
        Path list = Files.createTempFile("prefetch", ".list");
        Files.writeString(list, "# wanted\nlisted/a\n\n" + b + "\nlisted/missing\n");
        JobRun context = bed.run(new PrefetchJob(new PrefetchOptions(List.of(), list, 10)));
        assertEquals(JobState.COMPLETED_PARTIAL, context.state(), context::describe);
        assertEquals(2, context.counter(PrefetchJob.RESTORED));
        assertEquals(3000, context.counter(PrefetchJob.BYTES_RESTORED));
        assertEquals(1, context.counter(PrefetchJob.FAILED));
        assertTrue(context.errors().get(0).contains("listed/missing"), context::describe);
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(a));
    }

    /**
     * Issue 22.6: the file list is read a line at a time (never held whole: it may name millions of files), so a list
     * still being written, a pipe, has its first files restored before it ends.
     */
    @Test
    void aFileListIsReadALineAtATimeSoAPipeIsPrefetchedAsItComes() throws Exception {
        Path a = bed.agent.write("piped/a", 1000);
        Path b = bed.agent.write("piped/b", 2000);
        bed.agent.archive(a, b);
        bed.agent.awaitFlags(a, AgentTestBed.ARCHIVED, SHORT);
        bed.agent.awaitFlags(b, AgentTestBed.ARCHIVED, SHORT);
        bed.agent.release(a, b);
        Path fifo = Files.createTempDirectory("prefetch-pipe").resolve("list");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo " + fifo);
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            Future<JobRun> job = background.submit(() -> bed.run(new PrefetchJob(new PrefetchOptions(List.of(),
                    fifo, 10))));
            // Opening the pipe waits for the job to open it too.
            try (var list = Files.newBufferedWriter(fifo, StandardCharsets.UTF_8)) {
                list.write("piped/a\n");
                list.flush();
                Cluster.await("piped/a restored while the list is still open", Duration.ofSeconds(60),
                        () -> bed.cluster.flags(a) == AgentTestBed.ARCHIVED,
                        () -> "piped/a flags 0x" + Integer.toHexString(bed.cluster.flags(a)));
                list.write("# more to come\npiped/b\n");
            }
            JobRun context = job.get(60, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, context.state(), context::describe);
            assertEquals(2, context.counter(PrefetchJob.RESTORED));
            assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(b));
        } finally {
            background.shutdownNow();
            Files.deleteIfExists(fifo);
        }
    }

    /**
     * Issue 17: a restore the agent fails (its blob was replaced behind the archive's back) is logged by the job with
     * the agent's errno and reason, read from the note the agent left on the file: no data mover's journal needed.
     */
    @Test
    void aRestoreTheAgentFailsIsLoggedWithTheAgentsErrnoAndReason() throws Exception {
        Path file = bed.agent.write("failing/replaced", 5_000);
        bed.agent.archive(file);
        bed.agent.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        bed.agent.release(file);
        bed.agent.awaitFlags(file, AgentTestBed.RELEASED, SHORT);
        bed.container.getBlobClient("failing/replaced").upload(BinaryData.fromString("someone else's"), true);

        JobRun run = bed.run(new PrefetchJob(new PrefetchOptions(List.of("failing"), null, 10)));
        assertEquals(JobState.FAILED, run.state(), run::describe);
        assertEquals(1, run.counter(PrefetchJob.FAILED), run::describe);
        String error = run.errors().get(0);
        assertTrue(error.contains("path=\"" + file + "\"") && error.contains("still released"), error);
        assertTrue(error.contains("the agent on ") && error.contains("failed its RESTORE"), error);
        assertTrue(error.contains("with errno 5 (EIO)"), error);
        assertTrue(error.contains("blob failing/replaced was replaced or removed since it was archived"), error);
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(file));
    }

    @Test
    void releaseFreesArchivedCleanFilesByAgeAndSizeAndNeverADirtyOrUnarchivedOne() throws Exception {
        AgentTestBed agent = bed.agent;
        Path oldBig = agent.write("rel/old-big", 200_000);
        Path oldSmall = agent.write("rel/old-small", 1_000);
        Path recentBig = agent.write("rel/recent-big", 300_000);
        Path oldDirty = agent.write("rel/old-dirty", 400_000);
        Path oldNeverArchived = agent.write("rel/old-never-archived", 500_000);
        agent.archive(oldBig, oldSmall, recentBig, oldDirty);
        for (Path p : List.of(oldBig, oldSmall, recentBig, oldDirty)) {
            agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        Files.write(oldDirty, new byte[] {9}, StandardOpenOption.APPEND);
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        for (Path p : List.of(oldBig, oldSmall, oldDirty, oldNeverArchived)) {
            Files.setAttribute(p, "lastAccessTime", twoDaysAgo);
        }
        Files.setAttribute(recentBig, "lastAccessTime", FileTime.from(Instant.now()));

        JobRun bySize = bed.run(new ReleaseJob(new ReleaseOptions("rel", Duration.ofDays(1), 100_000)));
        assertEquals(JobState.COMPLETED, bySize.state(), bySize::describe);
        assertEquals(1, bySize.counter(ReleaseJob.RELEASED));
        assertEquals(200_000, bySize.counter(ReleaseJob.BYTES_RELEASED));
        assertEquals(1, bySize.counter(ReleaseJob.TOO_SMALL));
        assertEquals(1, bySize.counter(ReleaseJob.RECENTLY_ACCESSED));
        assertEquals(2, bySize.counter(ReleaseJob.NOT_ARCHIVED)); // the dirty one and the never archived one
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(oldBig));
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(oldSmall));
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(recentBig));
        assertEquals(0x0b, bed.cluster.flags(oldDirty)); // exists dirty archived
        assertEquals(0, bed.cluster.flags(oldNeverArchived) & 0x4);

        JobRun byAge = bed.run(new ReleaseJob(new ReleaseOptions("rel", Duration.ofDays(1), 0)));
        assertEquals(JobState.COMPLETED, byAge.state(), byAge::describe);
        assertEquals(1, byAge.counter(ReleaseJob.RELEASED)); // old-small
        assertEquals(1, byAge.counter(ReleaseJob.ALREADY_RELEASED));
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(oldSmall));
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(recentBig));

        JobRun everything = bed.run(new ReleaseJob(new ReleaseOptions("/rel", Duration.ZERO, 0)));
        assertEquals(JobState.COMPLETED, everything.state(), everything::describe);
        assertEquals(1, everything.counter(ReleaseJob.RELEASED)); // recent-big
        assertEquals(300_000, everything.counter(ReleaseJob.BYTES_RELEASED));
        assertEquals(0x0b, bed.cluster.flags(oldDirty));
        assertArrayEquals(Files.readAllBytes(oldBig), Files.readAllBytes(oldBig)); // reads restore it back
        assertEquals(200_000, Files.size(oldBig));
    }

    @Test
    void releaseLeavesAFileWithoutItsRecordedBlobAndReleasesTheOthers() throws Exception {
        AgentTestBed agent = bed.agent;
        Path good = agent.write("relcheck/good", 50_000);
        Path deleted = agent.write("relcheck/deleted", 60_000);
        Path replaced = agent.write("relcheck/replaced", 70_000);
        Path unrecorded = agent.write("relcheck/unrecorded", 80_000);
        List<Path> all = List.of(good, deleted, replaced, unrecorded);
        List<byte[]> contents = new ArrayList<>();
        for (Path p : all) {
            contents.add(Files.readAllBytes(p));
        }
        agent.archive(all.toArray(Path[]::new));
        for (Path p : all) {
            agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        // behind the archive's back: one blob deleted, one replaced, one file's record lost
        bed.container.getBlobClient("relcheck/deleted").delete();
        bed.container.getBlobClient("relcheck/replaced").upload(BinaryData.fromString("someone else's"), true);
        new ArchiveRecordStore().clear(unrecorded);

        JobRun run = bed.run(new ReleaseJob(new ReleaseOptions("relcheck", Duration.ZERO, 0)));
        assertEquals(JobState.COMPLETED, run.state(), run::describe);
        assertEquals(1, run.counter(ReleaseJob.RELEASED), run::describe);
        assertEquals(50_000, run.counter(ReleaseJob.BYTES_RELEASED));
        assertEquals(3, run.counter(ReleaseJob.NO_VERIFIED_COPY), run::describe);
        assertEquals(0, run.counter(ReleaseJob.FAILED), run::describe);
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(good));
        for (Path kept : List.of(deleted, replaced, unrecorded)) {
            assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(kept), kept::toString);
        }
        String log = String.join("\n", run.log());
        assertTrue(log.contains("WARNING path=\"" + deleted + "\" blob=\"relcheck/deleted\" cause=not released: blob"
                + " missing"), log);
        assertTrue(log.contains("WARNING path=\"" + replaced + "\" blob=\"relcheck/replaced\" cause=not released:"
                + " ETag differs"), log);
        assertTrue(log.contains("WARNING path=\"" + unrecorded + "\" blob=- cause=not released: no record"), log);
        for (int i = 0; i < all.size(); i++) {
            // the kept files still hold their data; the released one restores from its intact blob
            assertArrayEquals(contents.get(i), Files.readAllBytes(all.get(i)), all.get(i)::toString);
        }
    }
}

package io.azlhsm.copytool.jobs.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.config.PolicySettings;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.lustre.OstPools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The release rule's OST pools ({@code policy.release.pools}) against the simulated cluster, which has 4 OSTs, each a
 * quarter of the configured capacity, and pools defined as {@code lctl pool_new/pool_add} would: pool {@code pa} on
 * OST0002 and OST0003, pool {@code pb} on OST0001. A cluster of its own, so that no other test's files are on those
 * OSTs and the figures are exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PoolReleaseIT {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Duration LONG = Duration.ofSeconds(120);
    /** 64 blocks of 4 KiB. */
    private static final long SIZE = 262_144;

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("pools", "");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private Path fileOnPool(String name, String pool, int stripes) throws Exception {
        Path file = bed.cluster.mount().resolve("pools").resolve(name);
        Files.createDirectories(file.getParent());
        if (pool != null) {
            bed.cluster.lfs("setstripe", "-c", Integer.toString(stripes), "-p", pool, file.toString()).out();
        }
        bed.agent.write("pools/" + name, SIZE);
        String named = bed.cluster.lfs("getstripe", "-p", file.toString()).out().strip();
        assertEquals(pool == null ? "" : pool, named, "lfs getstripe -p " + file);
        return file;
    }

    /**
     * Pool pa passes its high watermark while the file system and pool pb do not: the two least recently accessed
     * files of pa are released, which bring it down to its low watermark, and nothing else, although a file of pb
     * and one without a pool were accessed longer ago.
     */
    @Test
    void aPoolPastItsHighWatermarkLosesItsLeastRecentlyAccessedFilesOnly() throws Exception {
        bed.cluster.definePool("pa", 2, 3);
        bed.cluster.definePool("pb", 1);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("n", fileOnPool("n", null, 1));
        files.put("b1", fileOnPool("b1", "pb", 1));
        for (String name : List.of("a1", "a2", "a3", "a4")) {
            files.put(name, fileOnPool(name, "pa", 2));
        }
        bed.agent.archive(files.values().toArray(Path[]::new));
        for (Path p : files.values()) {
            bed.agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        Instant now = Instant.now();
        int daysAgo = 30; // n, then b1, accessed before any file of pa; a1 the oldest of pa
        for (Path p : files.values()) {
            Files.setAttribute(p, "lastAccessTime", FileTime.from(now.minus(Duration.ofDays(daysAgo--))));
        }
        // 10 files' worth: 2.5 per OST; pa has 5 (4 used: 80%), pb 2.5 (1 used: 40%), the file system 6 of 10 (60%)
        bed.cluster.setCapacity(10 * SIZE);
        String fsname = bed.cluster.fsname();
        OstPools osts = new OstPools(bed.library);
        assertEquals(List.of(fsname + "-OST0002_UUID", fsname + "-OST0003_UUID"), osts.members(fsname + ".pa"));
        SpaceUsage pa = PoolSpace.of(osts, bed.cluster.mount(), fsname + ".pa");
        assertEquals(new SpaceUsage(5 * SIZE, 4 * SIZE, SIZE), pa, "pool pa, as lfs df --pool sums it");
        assertEquals(new SpaceUsage(5 * SIZE / 2, SIZE, 3 * SIZE / 2),
                PoolSpace.of(osts, bed.cluster.mount(), fsname + ".pb"), "pool pb");
        assertEquals(60.0, SpaceUsage.of(bed.cluster.mount()).percentUsed(), 0.01, "the file system");

        // the file system's rule at 70%, pa's own at 75% down to 50% (releasing one file leaves it at 60%), pb's the
        // rule's
        Path config = Files.createTempFile("pools", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(config, """
                mount = %s
                lustre.library = %s
                archive.1.type = azure
                archive.1.container = pools
                archive.1.connection_string = %s
                policy.interval = 200ms
                policy.release.high_watermark = 70
                policy.release.low_watermark = 50
                policy.release.paths = pools
                policy.release.pools = %s.pa:75:50, %s.pb
                """.formatted(bed.config.mount(), bed.config.lustreLibrary(), bed.proxy.connectionString(), fsname,
                fsname));
        PolicySettings rules = CopytoolConfig.load(config).policy();
        assertEquals(List.of(new PolicySettings.PoolWatermarks(fsname, "pa", 75, 50),
                new PolicySettings.PoolWatermarks(fsname, "pb", 70, 50)), rules.release().orElseThrow().pools());

        JobRunner runner = bed.runner();
        CompletableFuture<JobRun> job = CompletableFuture.supplyAsync(() -> {
            try {
                return bed.run(runner, new PolicyJob(new PolicySource(config, rules), Clock.systemUTC()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            awaitCounter(runner, PolicyMetrics.RELEASE_TRIGGERED, 1, job);
            long passes = counter(runner, PolicyMetrics.PASSES);
            awaitCounter(runner, PolicyMetrics.PASSES, passes + 2, job); // and passes after: nothing more to do
        } finally {
            bed.cancel(runner);
        }
        JobRun run = job.get(60, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, run.state(), run::describe);
        StringBuilder seen = new StringBuilder("flags:");
        files.forEach((name, p) -> seen.append(' ').append(name).append("=0x")
                .append(Integer.toHexString(bed.cluster.flags(p))));
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(files.get("a1")), seen::toString);
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(files.get("a2")), seen::toString);
        for (String name : List.of("a3", "a4", "b1", "n")) {
            assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(files.get(name)), name + ": " + seen);
        }
        assertEquals(1, run.counter(PolicyMetrics.RELEASE_TRIGGERED), run::describe);
        assertEquals(2, run.counter(PolicyMetrics.RELEASED), run::describe);
        assertEquals(2 * SIZE, run.counter(PolicyMetrics.BYTES_RELEASED), run::describe);
        assertTrue(run.log().stream().anyMatch(l -> l.contains("release rule, pool " + fsname + ".pa: 80.0% used")
                && l.contains("reached the high watermark 75%")), () -> String.join("\n", run.log()));
        SpaceUsage after = PoolSpace.of(osts, bed.cluster.mount(), fsname + ".pa");
        assertEquals(new SpaceUsage(5 * SIZE, 2 * SIZE, 3 * SIZE), after, "pool pa after the release");
        assertEquals(new SpaceUsage(5 * SIZE / 2, SIZE, 3 * SIZE / 2),
                PoolSpace.of(osts, bed.cluster.mount(), fsname + ".pb"), "pool pb after");
        // the job's own small files (its record and log on the mount) take a few blocks more: no exact figure here
        SpaceUsage fileSystem = SpaceUsage.of(bed.cluster.mount());
        assertTrue(fileSystem.used() >= 4 * SIZE && fileSystem.used() < 5 * SIZE, fileSystem::toString);
    }

    private static long counter(JobRunner runner, String name) throws Exception {
        for (JobRecord record : runner.store().list()) {
            if (record.state() == JobState.IN_PROGRESS) {
                return record.counters().getOrDefault(name, 0L);
            }
        }
        return -1;
    }

    private static void awaitCounter(JobRunner runner, String name, long atLeast, CompletableFuture<JobRun> job)
            throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        long seen = counter(runner, name);
        while (seen < atLeast) {
            if (job.isDone()) {
                throw new AssertionError("the job ended while waiting for '" + name + "' >= " + atLeast + ": "
                        + job.get().describe() + "\n" + String.join("\n", job.get().log()));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + name + "' still " + seen + " after " + LONG + ", wanted >= " + atLeast);
            }
            Thread.sleep(50);
            seen = counter(runner, name);
        }
    }
}

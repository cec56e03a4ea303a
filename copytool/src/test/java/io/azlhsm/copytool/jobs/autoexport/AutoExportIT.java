package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.testcluster.harness.Cluster;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Auto-export against the simulated cluster (its changelog), a running agent and Azurite. The changelog user is
 * registered as an administrator does it, on the (simulated) MDS; the job itself runs as on a data mover, where
 * lctl cannot register one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AutoExportIT {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private FlowTestBed bed;
    private String user;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("autoexport", "");
        user = bed.cluster.registerChangelogUser(bed.cluster.mdt());
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private static AutoExportOptions options(String path, String... changelogUsers) {
        return new AutoExportOptions(path, 0, 100, Duration.ofMillis(500), Duration.ofHours(1),
                ChangelogUsers.parse(List.of(changelogUsers)));
    }

    private CompletableFuture<JobRun> startJob(JobRunner runner, AutoExportOptions options) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return bed.run(runner, new AutoExportJob(options));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** The running job's iterations as its record shows them; -1 while no record reads as running. */
    private long iterations(JobRunner runner) throws Exception {
        for (JobRecord record : runner.store().list()) {
            if (record.state() == JobState.IN_PROGRESS) {
                return record.counters().getOrDefault(AutoExportMetrics.ITERATIONS, 0L);
            }
        }
        return -1;
    }

    @Test
    void picksUpNewAppendedAndTruncatedFilesWithinTwoIterationsWithTheAdministratorsChangelogUser()
            throws Exception {
        AgentTestBed agent = bed.agent;
        Path before = agent.write("auto/before.bin", 3_000);
        Path appended = agent.write("auto/appended.bin", 4_000);
        Path truncated = agent.write("auto/truncated.bin", 5_000);
        Path chmodded = agent.write("auto/chmodded.bin", 6_000);
        Path outside = agent.write("elsewhere/outside.bin", 1_000);
        agent.archive(appended, truncated, chmodded);
        for (Path p : List.of(appended, truncated, chmodded)) {
            agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        String chmoddedEtag = bed.container.getBlobClient("auto/chmodded.bin").getProperties().getETag();

        JobRunner runner = bed.runner();
        CompletableFuture<JobRun> job = startJob(runner, options("auto", user));
        try {
            changeWhileRunning(runner, before, appended, truncated, chmodded);
        } finally {
            bed.cancel(runner);
        }
        JobRun run = job.get(30, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, run.state(), run::describe);
        // before, created, appended, truncated; a file caught while being written is exported again later
        assertTrue(run.counter(AutoExportMetrics.TOTAL_FILES) >= 4, run::describe);
        assertTrue(run.counter(AutoExportMetrics.TOTAL_BYTES) >= 3_000 + 7_000 + 4_003 + 100, run::describe);
        assertEquals(4_003, bed.container.getBlobClient("auto/appended.bin").getProperties().getBlobSize());
        assertTrue(run.counter(AutoExportMetrics.LAST_SUCCESS) > 0);
        assertEquals(1, run.counter(AutoExportMetrics.FULL_SCANS));
        assertEquals("true", bed.container.getBlobClient("auto/sub").getProperties().getMetadata()
                .get("hdi_isfolder"));
        assertEquals(7_000, bed.container.getBlobClient("auto/sub/created.bin").getProperties().getBlobSize());
        assertEquals(100, bed.container.getBlobClient("auto/truncated.bin").getProperties().getBlobSize());
        assertEquals("LNK", bed.container.getBlobClient("auto/sub/link").getProperties().getMetadata().get("ftype"));
        assertEquals("created.bin", bed.container.getBlobClient("auto/sub/link").downloadContent().toString());
        assertEquals(chmoddedEtag, bed.container.getBlobClient("auto/chmodded.bin").getProperties().getETag());
        assertFalse((bed.cluster.flags(outside) & 0x8) != 0, "a file outside the path was exported");

        assertTrue(run.log().stream().anyMatch(l -> l.contains("consuming changelog user " + user + " on "
                + bed.cluster.mdt())), () -> String.join("\n", run.log()));
        // the administrator's user stays registered, and the job cleared what it consumed
        String left = bed.cluster.lfs("changelog", bed.cluster.mdt()).out();
        assertFalse(left.contains(" t=" + bed.cluster.fid(appended) + " ") && left.contains("11CLOSE"), left);
        assertTrue(bed.cluster.lfs("changelog_clear", bed.cluster.mdt(), user, "0").ok(),
                "changelog user " + user + " was removed");
    }

    private void changeWhileRunning(JobRunner runner, Path before, Path appended, Path truncated, Path chmodded)
            throws Exception {
        AgentTestBed agent = bed.agent;
        agent.awaitFlags(before, AgentTestBed.ARCHIVED, SHORT); // the first iteration walks the tree
        Cluster.await("the first iteration to end", SHORT, () -> {
            try {
                return iterations(runner) >= 1;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long first = iterations(runner);
        assertTrue(first >= 1, "the job is not running");

        Path created = agent.write("auto/sub/created.bin", 7_000);
        Files.createSymbolicLink(created.resolveSibling("link"), Path.of("created.bin")); // a CL_SOFTLINK record
        Files.write(appended, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        try (RandomAccessFile file = new RandomAccessFile(truncated.toFile(), "rw")) {
            file.setLength(100);
        }
        Files.setPosixFilePermissions(chmodded, PosixFilePermissions.fromString("rw-------"));
        for (Path p : List.of(created, appended, truncated)) {
            agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        Cluster.await("the symlink's blob", SHORT, () -> bed.container.getBlobClient("auto/sub/link").exists());
        // the pass that exported them ends after their flags change: wait for its count
        Cluster.await("an iteration after the changes", SHORT, () -> {
            try {
                return iterations(runner) > first;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long later = iterations(runner);
        assertTrue(later > first && later - first <= 2, () -> "took " + (later - first) + " iterations");
    }

    @Test
    void failsNamingTheMdtAndTheAdministratorsStepWhenTheUserIsNotRegistered() throws Exception {
        Files.createDirectories(bed.cluster.mount().resolve("unregistered"));
        bed.agent.write("unregistered/f.bin", 1_000); // records to consume, kept for the registered user
        JobRunner runner = bed.runner();
        JobRun run = startJob(runner, options("unregistered", "cl999")).get(60, TimeUnit.SECONDS);
        assertEquals(JobState.FAILED, run.state(), run::describe);
        String mdt = bed.cluster.mdt();
        assertTrue(run.outcome().message().contains("no such changelog user on " + mdt), run::describe);
        assertTrue(run.outcome().message().contains("lctl --device " + mdt + " changelog_register"),
                run::describe);
    }

    @Test
    void refusesToStartWithoutAUserForEveryMdt() throws Exception {
        Files.createDirectories(bed.cluster.mount().resolve("refused"));
        String other = bed.cluster.fsname() + "-MDT0001";
        JobRun run = startJob(bed.runner(), options("refused", other + "=" + user)).get(30, TimeUnit.SECONDS);
        assertEquals(JobState.FAILED, run.state(), run::describe);
        assertTrue(run.outcome().message().contains("no changelog user for " + bed.cluster.mdt()), run::describe);
        assertTrue(run.outcome().message().contains(other + ", not an MDT of the file system"), run::describe);
    }
}

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
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Auto-export against the simulated cluster (its changelog), a running agent and Azurite. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AutoExportIT {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Pattern REGISTERED = Pattern.compile("registered changelog user (cl[0-9]+)");

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("autoexport", "");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private AutoExportOptions options(String path, boolean keepUser) {
        return new AutoExportOptions(path, 0, 100, Duration.ofMillis(500), Duration.ofHours(1),
                TestClusterHome.directory().resolve("bin/lctl").toString(), null, null, keepUser);
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
    void picksUpNewAppendedAndTruncatedFilesWithinTwoIterationsAndLeavesNoChangelogUser() throws Exception {
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
        CompletableFuture<JobRun> job = startJob(runner, options("auto", false));
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

        String user = registeredUser(run);
        assertFalse(bed.cluster.lfs("changelog_clear", bed.cluster.mdt(), user, "0").ok(),
                "changelog user " + user + " is still registered");
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
    void keepsItsChangelogUserWhenAsked() throws Exception {
        Files.createDirectories(bed.cluster.mount().resolve("kept"));
        JobRunner runner = bed.runner();
        CompletableFuture<JobRun> job = startJob(runner, options("kept", true));
        Cluster.await("the first iteration to end", SHORT, () -> {
            try {
                return runner.store().list().stream().anyMatch(r -> r.state() == JobState.IN_PROGRESS
                        && r.counters().getOrDefault(AutoExportMetrics.FULL_SCANS, 0L) >= 1);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(bed.cancel(runner).ok());
        JobRun run = job.get(30, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, run.state(), run::describe);
        String user = registeredUser(run);
        assertTrue(bed.cluster.lfs("changelog_clear", bed.cluster.mdt(), user, "0").ok(), user + " was removed");
        bed.cluster.lctl("--device", bed.cluster.mdt(), "changelog_deregister", user).out();
    }

    private static String registeredUser(JobRun run) {
        Optional<String> user = run.log().stream().map(REGISTERED::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).findFirst();
        return user.orElseThrow(() -> new AssertionError("no registration in the log: " + run.log()));
    }
}

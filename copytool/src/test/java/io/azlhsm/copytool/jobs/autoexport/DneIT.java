package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The agent and the jobs on a DNE file system of two MDTs: restores of files of every MDT, also in a directory
 * striped over both (the volatile file must go to the file's own MDT), and auto-export reading the changelog of
 * every MDT with a user per MDT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DneIT {
    private static final Duration SHORT = Duration.ofSeconds(30);

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("dne", "", 2);
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private int mdtOf(Path file) {
        return Integer.parseInt(bed.cluster.lfs("getstripe", "-m", file.toString()).out().trim());
    }

    /**
     * In a striped directory LMV would place a volatile file created without an index by its name's hash, so with
     * -1 about half of these restores would fail at the layout swap; the agent passes each file's MDT.
     */
    @Test
    void restoresFilesOfEveryMdtAlsoInAStripedDirectory() throws Exception {
        AgentTestBed agent = bed.agent;
        Path striped = bed.cluster.mount().resolve("striped");
        bed.cluster.lfs("mkdir", "-c", "2", striped.toString()).out();
        Path second = bed.cluster.mount().resolve("second");
        bed.cluster.lfs("mkdir", "-i", "1", second.toString()).out();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            files.add(agent.write("striped/f" + i, 2_000 + i));
        }
        files.add(agent.write("second/g", 3_000));
        Set<Integer> mdts = new TreeSet<>();
        files.forEach(f -> mdts.add(mdtOf(f)));
        assertEquals(Set.of(0, 1), mdts, "the files are not spread over both MDTs");
        List<byte[]> digests = new ArrayList<>();
        for (Path f : files) {
            digests.add(AgentTestBed.md5(f));
        }
        Path[] all = files.toArray(Path[]::new);
        agent.archive(all);
        for (Path f : files) {
            agent.awaitFlags(f, AgentTestBed.ARCHIVED, SHORT);
        }
        agent.release(all);
        agent.restore(all);
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            agent.awaitIdle(f, SHORT);
            assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(f), () -> f + " (MDT" + mdtOf(f) + ") not restored: "
                    + bed.cluster.actionStatuses(bed.cluster.fid(f), "RESTORE"));
            assertArrayEquals(digests.get(i), AgentTestBed.md5(f), f.toString());
        }
    }

    /**
     * Each MDT has its own changelog and its own user ids: here cl1 on MDT0000 and cl2 on MDT0001 (a user registered
     * on MDT0001 first took cl1 there). Files created on either MDT after the first (walking) iteration are exported
     * through the changelogs, not a full scan.
     */
    @Test
    void autoExportReadsTheChangelogOfEveryMdt() throws Exception {
        Cluster cluster = bed.cluster;
        String other = cluster.registerChangelogUser(cluster.mdt(1)); // someone else's reader on MDT0001
        String user0 = cluster.registerChangelogUser(cluster.mdt(0));
        String user1 = cluster.registerChangelogUser(cluster.mdt(1));
        assertEquals("cl1", user0);
        assertEquals("cl2", user1);
        Path tree = cluster.mount().resolve("auto");
        Files.createDirectories(tree);
        cluster.lfs("mkdir", "-i", "1", tree.resolve("on1").toString()).out();
        bed.agent.write("auto/on1/before.bin", 500); // the first pass exports it: an iteration
        JobRunner runner = bed.runner();
        AutoExportOptions options = new AutoExportOptions("auto", 0, 100, Duration.ofMillis(300), Duration.ofHours(1),
                ChangelogUsers.parse(List.of(user0, cluster.mdt(1) + "=" + user1)));
        CompletableFuture<JobRun> job = CompletableFuture.supplyAsync(() -> {
            try {
                return bed.run(runner, new AutoExportJob(options));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            Cluster.await("the first iteration", SHORT, () -> job.isDone() || iterations(runner) >= 1,
                    () -> jobLogs(runner));
            if (job.isDone()) {
                JobRun ended = job.join();
                throw new AssertionError("the job ended: " + ended.describe() + "\n" + String.join("\n", ended.log()));
            }
            Path onMdt0 = bed.agent.write("auto/on0.bin", 1_500);
            Path onMdt1 = bed.agent.write("auto/on1/f.bin", 2_500);
            assertEquals(0, mdtOf(onMdt0));
            assertEquals(1, mdtOf(onMdt1));
            bed.agent.awaitFlags(onMdt0, AgentTestBed.ARCHIVED, SHORT);
            bed.agent.awaitFlags(onMdt1, AgentTestBed.ARCHIVED, SHORT);
        } finally {
            bed.cancel(runner);
        }
        JobRun run = job.get(30, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, run.state(), run::describe);
        assertEquals(1, run.counter(AutoExportMetrics.FULL_SCANS), run::describe);
        assertEquals(2_500, bed.container.getBlobClient("auto/on1/f.bin").getProperties().getBlobSize());
        for (String line : List.of("consuming changelog user " + user0 + " on " + cluster.mdt(0),
                "consuming changelog user " + user1 + " on " + cluster.mdt(1))) {
            assertTrue(run.log().stream().anyMatch(l -> l.contains(line)), line);
        }
        // the job cleared MDT0001's records for its user only: the other reader still has them
        assertTrue(cluster.lfs("changelog", cluster.mdt(1)).out().contains("t=" + cluster.fid(
                cluster.mount().resolve("auto/on1/f.bin"))), "records of " + other + " were purged");
    }

    private static String jobLogs(JobRunner runner) {
        StringBuilder sb = new StringBuilder();
        try {
            for (JobRecord record : runner.store().list()) {
                sb.append(record).append('\n');
                sb.append(String.join("\n", Files.readAllLines(runner.store().logFile(record.id())))).append('\n');
            }
        } catch (Exception e) {
            sb.append(e);
        }
        return sb.toString();
    }

    private static long iterations(JobRunner runner) {
        try {
            for (JobRecord record : runner.store().list()) {
                if (record.state() == JobState.IN_PROGRESS) {
                    return record.counters().getOrDefault(AutoExportMetrics.ITERATIONS, 0L);
                }
            }
            return -1;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}

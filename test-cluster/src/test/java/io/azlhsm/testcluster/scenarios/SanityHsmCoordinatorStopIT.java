package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.CommandResult;
import io.azlhsm.testcluster.harness.Copytool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm 407, 409a and 409b: the coordinator stopping (hsm_control=shutdown, an MDS restart) while a request is
 * being registered, held there by the MDS's fail point OBD_FAIL_MDS_HSM_CDT_DELAY ({@code lctl set_param
 * fail_loc=0x164 fail_val=N} on the MDS), as those tests hold it. Where sanity-hsm sleeps a few seconds inside the
 * delay, these tests arm it for longer, wait for the kernel's "cfs_fail_timeout ... sleeping" message in the MDS's log,
 * and end it by clearing fail_loc (libcfs fail.c: the sleep is "interrupted"), so that no step races the clock.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SanityHsmCoordinatorStopIT {
    private static final int SIZE = 100_000;
    private static final String SLEEPING = "cfs_fail_timeout id 164 sleeping";

    private static Cluster cluster;
    private Path dir;

    @BeforeAll
    static void cluster(Cluster c) {
        cluster = c;
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void restoreDefaults() {
        cluster.lctlOnMds("set_param", "fail_loc=0").out();
        cluster.setParam("hsm_control", "enabled");
        cluster.setParam("hsm_control", "purge");
    }

    private Path archivedAndReleased(String name) {
        Path f = TestFiles.create(dir.resolve(name), SIZE);
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
        }
        Cluster.await("no agent", Duration.ofSeconds(20), () -> cluster.agentCount() == 0);
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(0xd, cluster.flags(f));
        return f;
    }

    /** #define OBD_FAIL_MDS_HSM_CDT_DELAY 0x164, for longer than any test step: the test ends it. */
    private static void armCdtDelay() {
        cluster.lctlOnMds("set_param", "fail_val=600", "fail_loc=0x164").out();
    }

    private static String daemonLog() {
        try {
            return new String(Files.readAllBytes(cluster.root().resolve("run/daemon.log")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no daemon.log: " + e + ")";
        }
    }

    private static void awaitDaemonLog(String text) {
        Cluster.await("\"" + text + "\" in the MDS's log", Duration.ofSeconds(30),
                () -> daemonLog().contains(text), SanityHsmCoordinatorStopIT::daemonLog);
    }

    /**
     * hsm_control as read on the MDS (sanity-hsm: do_facet mds1 lctl get_param), which needs no client mount: the
     * simulated MDS restart unmounts the clients while the MDT is still stopping. A failed read (the MDS gone) says so.
     */
    private static String hsmControl() {
        CommandResult r = cluster.lctlOnMds("get_param", "-n", "mdt.*.hsm_control");
        return r.ok() ? r.stdout().trim() : "(lctl failed: " + r + ")";
    }

    private static Process cat(Path f) throws IOException {
        return new ProcessBuilder("cat", f.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * Two clients read a released file while its restore is held; the MDS fails over while the first one's request
     * sleeps between taking the restore handle and writing the record. The second read finds the handle and adds no
     * record of its own (mdt_hsm_cdt_client.c:341-356), the MDS's stop waits for the first one's record
     * (mdt_coordinator.c:704-712), and after the restart the action log holds one RESTORE of the file, which
     * succeeds. (The simulator's MDS restart also ends its client mounts, so the two readers fail; on Lustre they
     * would wait through the failover.)
     */
    @Test
    void test_407_check_for_double_restore_records_in_llog() throws Exception {
        Path mnt2 = cluster.addMount("mnt2");
        Path f = archivedAndReleased("f");
        Path f2 = mnt2.resolve(cluster.mount().relativize(f));
        String fid = cluster.fid(f);
        Copytool ct = cluster.startPosixCopytool();
        armCdtDelay();
        ct.suspend(); // prevent the restore from completing
        Process first = cat(f);
        Process second = null;
        try {
            awaitDaemonLog(SLEEPING);
            // the first request holds the restore handle while its RESTORE record is not in the log yet
            second = cat(f2);
            String skipped = "a restore of " + fid + " is being recorded: item skipped";
            // the second read reached the MDT: skipped, or (were there no restore handle) asleep at the fail point too
            Cluster.await("the second read's restore request at the MDT", Duration.ofSeconds(30),
                    () -> daemonLog().contains(skipped) || daemonLog().split(SLEEPING, -1).length > 2,
                    SanityHsmCoordinatorStopIT::daemonLog);
            assertEquals(List.of(), cluster.actionStatuses(fid, "RESTORE"), cluster.getParam("actions"));
            ct.kill(); // the simulated MDS restart ends every copytool anyway; a suspended one would take 20 s
            CompletableFuture<Void> failover = CompletableFuture.runAsync(cluster::restartCoordinator);
            Cluster.await("hsm_control stopping while the request sleeps", Duration.ofSeconds(30),
                    () -> failover.isDone() || hsmControl().equals("stopping"), () -> "hsm_control=" + hsmControl());
            assertFalse(failover.isDone(), "the MDS stopped while a request was being registered");
            cluster.lctlOnMds("set_param", "fail_loc=0").out();
            failover.get(120, TimeUnit.SECONDS);
            assertEquals(List.of("WAITING"), cluster.actionStatuses(fid, "RESTORE"),
                    "one RESTORE record after the failover:\n" + cluster.getParam("actions"));
            try (Copytool again = cluster.startPosixCopytool()) {
                cluster.awaitActionStatus(fid, "RESTORE", "SUCCEED");
                assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(f));
            }
            assertEquals(List.of("SUCCEED"), cluster.actionStatuses(fid, "RESTORE"), cluster.getParam("actions"));
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }

    /**
     * hsm_control=shutdown while a restore request sleeps at the fail point: the coordinator reads "stopping" until
     * the request is recorded, then "stopped" (mdt_coordinator.c:1353-1380, 704-712; mdt_hsm_cdt_client.c:406); the
     * request stays WAITING; the stop forgot every agent (mdt_hsm_cdt_cleanup, :511-546), so after the coordinator is
     * enabled the restore waits until a copytool registers again, then succeeds.
     */
    @Test
    void test_409a_coordinator_should_not_stop_when_in_use() throws Exception {
        Path f = archivedAndReleased("f");
        String fid = cluster.fid(f);
        Process reader;
        try (Copytool ct = cluster.startPosixCopytool()) {
            Cluster.await("the copytool registered", Duration.ofSeconds(20), () -> cluster.agentCount() == 1);
            armCdtDelay();
            reader = cat(f); // sends a restore request
            awaitDaemonLog(SLEEPING);
            CompletableFuture<CommandResult> shutdown = CompletableFuture.supplyAsync(
                    () -> cluster.lctl("set_param", "mdt.*.hsm_control=shutdown"));
            Cluster.await("hsm_control stopping", Duration.ofSeconds(30),
                    () -> hsmControl().equals("stopping") || shutdown.isDone(), () -> "hsm_control=" + hsmControl());
            assertEquals("stopping", hsmControl(), "the coordinator must not stop while a request is registered");
            assertFalse(shutdown.isDone(), "shutdown returned while the coordinator was in use");
            CommandResult again = cluster.lctl("set_param", "mdt.*.hsm_control=shutdown");
            assertTrue(again.stderr().contains("Operation already in progress"), again.toString()); // EALREADY
            cluster.lctlOnMds("set_param", "fail_loc=0").out();
            shutdown.get(60, TimeUnit.SECONDS).out();
            assertEquals("stopped", hsmControl());
            assertEquals(List.of("WAITING"), cluster.actionStatuses(fid, "RESTORE"), cluster.getParam("actions"));
            assertEquals(0, cluster.agentCount(), "a stopped coordinator keeps no agent:\n"
                    + cluster.getParam("agents"));
            cluster.setParam("hsm_control", "enabled");
            assertEquals(List.of("WAITING"), cluster.actionStatuses(fid, "RESTORE"),
                    "the copytool registered before the stop is not an agent any more");
        }
        // the copytool must register again
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.awaitActionStatus(fid, "RESTORE", "SUCCEED");
            // the reader may end either way, as sanity-hsm's "wait $restore_pid || true"; here it waited throughout
            assertTrue(reader.waitFor(30, TimeUnit.SECONDS), "the reader is still blocked after the restore");
            assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(f));
        } finally {
            reader.destroyForcibly();
        }
    }

    /** With the coordinator shut down across an MDS restart, a released file still stats (getattr). */
    @Test
    void test_409b_getattr_released_file_with_cdt_stopped_after_remount() throws Exception {
        Path f = archivedAndReleased("f");
        cluster.setParam("hsm_control", "shutdown");
        assertEquals("stopped", hsmControl());
        cluster.restartCoordinator();
        assertEquals("stopped", hsmControl());
        assertEquals(SIZE, Files.size(f), "stat of a released file with the coordinator stopped");
        assertEquals(0xd, cluster.flags(f));
    }
}

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
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm tests of the coordinator itself: hsm_control, purge, agents coming and going, max_requests, timeouts,
 * retry policy, restore priority, restarts. No copytool runs between tests; each test starts the ones it needs and
 * leaves the coordinator enabled, its tunables at their defaults and its action list purged.
 */
@ExtendWith(ClusterExtension.class)
class SanityHsmCoordinatorIT {

    private static Cluster cluster;
    private Path dir;

    @BeforeAll
    static void cluster(Cluster c) {
        cluster = c;
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
        assertEquals("", cluster.getParam("agents").trim(), "no copytool left from another test");
    }

    @AfterEach
    void resetCoordinator() {
        cluster.setParam("hsm_control", "enabled");
        cluster.setParam("hsm_control", "purge");
        cluster.setParam("max_requests", "3");
        cluster.setParam("active_request_timeout", "3600");
        cluster.setParam("loop_period", "10");
        cluster.setParam("policy", "NRA");
    }

    private Path file(String name, int size) {
        return TestFiles.create(dir.resolve(name), size);
    }

    private Path archivedAndReleased(String name, int size) {
        Path f = file(name, size);
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
        }
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(0xd, cluster.flags(f));
        awaitNoAgent();
        return f;
    }

    private static void awaitNoAgent() {
        Cluster.await("agents gone", Duration.ofSeconds(20), () -> cluster.getParam("agents").isBlank());
    }

    private static long count(String listing, String text) {
        return listing.lines().filter(l -> l.contains(text)).count();
    }

    /** The FIDs of the copytool's actions, in the order it started them (from its log). */
    /**
     * A gate file for the posix copytool's {@code --gate}: no copy goes past {@code offset} bytes while it exists, so a
     * test sees an action in the state it waits for however fast or loaded the machine is (deleting it lets copies end).
     */
    private Path gateAt(long offset) throws java.io.IOException {
        Path gate = Files.createTempFile(cluster.root(), "copy-gate", "");
        Files.writeString(gate, Long.toString(offset));
        return gate;
    }

    private static List<String> startOrder(Copytool ct) {
        List<String> order = new ArrayList<>();
        for (String line : ct.log().split("\n")) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("\\]: (ARCHIVE|RESTORE|REMOVE) (\\[[^\\]]+\\]) cookie=").matcher(line);
            if (m.find()) {
                order.add(m.group(1) + " " + m.group(2));
            }
        }
        return order;
    }

    @Test
    void test_9A_multiple_remote_agents() {
        Path mnt2 = cluster.addMount("mnt2");
        try (Copytool one = cluster.startPosixCopytool("--archive", "1");
             Copytool two = cluster.startPosixCopytoolOn(mnt2, "--archive", "2")) {
            Path f1 = file("f1", 10_000);
            Path f2 = file("f2", 10_000);
            cluster.lfs("hsm_archive", "-a", "1", f1.toString()).out();
            cluster.lfs("hsm_archive", "-a", "2", mnt2.resolve(cluster.mount().relativize(f2)).toString()).out();
            cluster.awaitFlags(f1, 0x9);
            cluster.awaitFlags(f2, 0x9);
            assertTrue(cluster.lfs("hsm_state", f2.toString()).out().endsWith("archive_id:2\n"));
            String agents = cluster.getParam("agents");
            assertEquals(2, count(agents, "uuid="), agents);
            assertEquals(1, count(agents, "archive_id=1 requests=[current:0 ok:1 errors:0]"), agents);
            assertEquals(1, count(agents, "archive_id=2 requests=[current:0 ok:1 errors:0]"), agents);
            assertTrue(one.log().contains("ARCHIVE " + cluster.fid(f1)), one.log());
            assertTrue(two.log().contains("ARCHIVE " + cluster.fid(f2)), two.log());
        }
        awaitNoAgent();
    }

    /**
     * llapi_hsm_test's test2 as a scenario: a second copytool on one mount registers (llite refuses only a second
     * registration on one fd), receives every action list of the mount as the first does (kernelcomm.c
     * libcfs_kkuc_group_put), the coordinator keeps the first registration's archive list, and when either leaves
     * the mount's agent is gone although the other still runs.
     */
    @Test
    void test_second_copytool_on_one_mount_receives_every_action_too() {
        // Both copytools run the archive. With one archive directory the two would write the same "<name>_tmp" and
        // whichever renamed second would fail, and its failure could reach the coordinator before the other's success
        // (as with two lhsmtool_posix on one Lustre mount): the second gets its own directory so both succeed and the
        // request's outcome is certain.
        try (Copytool one = cluster.startPosixCopytool("--archive", "1");
             Copytool two = cluster.startAnotherPosixCopytoolOn(cluster.mount(),
                     "--hsm-root", cluster.root().resolve("hsm-second").toString())) {
            String agents = cluster.getParam("agents");
            assertEquals(1, count(agents, "uuid="), agents);
            assertEquals(1, count(agents, "archive_id=1 "), "the first registration's list is kept: " + agents);

            Path f = file("f", 10_000);
            String fid = cluster.fid(f);
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
            Cluster.await("both copytools ran the archive", Duration.ofSeconds(20),
                    () -> one.log().contains("ARCHIVE " + fid + " cookie=")
                            && two.log().contains("ARCHIVE " + fid + " cookie="),
                    () -> "first:\n" + one.log() + "\nsecond:\n" + two.log());

            Path other = file("other", 100);
            cluster.lfs("hsm_archive", "-a", "2", other.toString()).out();
            assertEquals(List.of("WAITING"), cluster.actionStatuses(cluster.fid(other), "ARCHIVE"),
                    "archive 2 went to a mount whose agent registered (first) for archive 1 only");
            cluster.lfs("hsm_cancel", other.toString()).out();

            two.stop();
            assertEquals("", cluster.getParam("agents").trim(), "the mount's agent outlived its second copytool");
            assertTrue(one.isAlive());
        }
        awaitNoAgent();
    }

    @Test
    void test_61_waiting_archive_of_a_removed_file_should_fail() throws Exception {
        Path f = file("f", 1000);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        assertEquals(List.of("WAITING"), cluster.actionStatuses(fid, "ARCHIVE"), "no agent: it waits");
        Files.delete(f);
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.awaitActionStatus(fid, "ARCHIVE", "FAILED");
        }
        awaitNoAgent();
    }

    @Test
    void test_70_71_copytool_logs_json_events_to_fifo() throws Exception {
        Path fifo = cluster.root().resolve("run/events.fifo");
        // the library takes an existing FIFO only with mode 0644 exactly (liblustreapi_hsm.c 467-479)
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "0644", fifo.toString()).start().waitFor());
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (java.io.BufferedReader in = Files.newBufferedReader(fifo)) {
                for (String line; (line = in.readLine()) != null; ) {
                    events.add(line);
                }
            } catch (java.io.IOException e) {
                events.add("reader failed: " + e);
            }
        });
        reader.start(); // blocks in open until the copytool opens the write end
        Path f = file("f", 200_000);
        String fid = cluster.fid(f).replace("[", "").replace("]", "");
        try (Copytool ct = cluster.startPosixCopytool("--event-fifo", fifo.toString())) {
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
            Cluster.await("finish event", Duration.ofSeconds(10),
                    () -> events.stream().anyMatch(e -> e.contains("\"event_type\": \"ARCHIVE_FINISH\"")));
        }
        reader.join(10_000);
        String all = String.join("\n", events);
        // liblustreapi_json.c: "key": value, ", " between, in the reverse of the order the library added them
        assertTrue(events.get(0).matches("\\{\"event_time\": \"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\", "
                + "\"event_type\": \"REGISTER\", \"archive\": 0, \"mount_point\": \"" + cluster.mount()
                + "\", \"uuid\": \"[^\"]+\"}"), all);
        // 222-224: total_bytes 0 at START, lustre_path relative to the mount
        assertTrue(all.contains("\"event_type\": \"ARCHIVE_START\", \"total_bytes\": 0, \"lustre_path\": \""
                + cluster.mount().relativize(f) + "\", \"source_fid\": \"" + fid + "\", \"data_fid\": \"" + fid + "\"}"),
                all);
        assertTrue(all.contains("\"event_type\": \"ARCHIVE_FINISH\", \"source_fid\": \"" + fid + "\", \"data_fid\": \""
                + fid + "\"}"), all);
        assertTrue(events.get(events.size() - 1).contains("\"event_type\": \"UNREGISTER\""), all);
        awaitNoAgent();
    }

    @Test
    void test_102_verify_coordinator_control() {
        assertEquals("enabled", cluster.getParam("hsm_control").trim());
        cluster.setParam("hsm_control", "disabled");
        assertEquals("disabled", cluster.getParam("hsm_control").trim());
        cluster.setParam("hsm_control", "shutdown");
        assertEquals("stopped", cluster.getParam("hsm_control").trim());
        Path f = file("f", 100);
        CommandResult r = cluster.lfs("hsm_archive", f.toString());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("Resource temporarily unavailable"), r.toString());
        cluster.setParam("hsm_control", "enabled");
        assertEquals("enabled", cluster.getParam("hsm_control").trim());
        assertNotEquals(0, cluster.lctl("set_param", "mdt.*.hsm_control=bogus").exitCode());
    }

    @Test
    void test_103_purge_all_requests() {
        cluster.setParam("hsm_control", "disabled");
        for (int i = 0; i < 5; i++) {
            cluster.lfs("hsm_archive", file("f" + i, 100).toString()).out();
        }
        assertEquals(5, count(cluster.getParam("actions"), "status=WAITING"));
        cluster.setParam("hsm_control", "purge");
        assertEquals(0, count(cluster.getParam("actions"), "status=WAITING"));
        assertEquals("", cluster.getParam("active_requests").trim());
    }

    @Test
    void test_105_restart_of_coordinator() {
        cluster.setParam("hsm_control", "disabled");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(file("f" + i, 100));
            cluster.lfs("hsm_archive", files.get(i).toString()).out();
        }
        cluster.setParam("hsm_control", "shutdown");
        cluster.setParam("hsm_control", "enabled");
        assertEquals(3, count(cluster.getParam("actions"), "status=WAITING"), "requests survive a coordinator restart");
        try (Copytool ct = cluster.startPosixCopytool()) {
            for (Path f : files) {
                cluster.awaitFlags(f, 0x9);
            }
        }
        awaitNoAgent();
    }

    @Test
    void mds_restart_keeps_the_action_log_and_restarts_running_restores() throws Exception {
        Path waiting = file("waiting", 100);
        String waitingFid = cluster.fid(waiting);
        Path restoring = archivedAndReleased("restoring", 3_000_000);
        String restoringFid = cluster.fid(restoring);
        // For archive 2, which the held copytool does not serve, so it is WAITING at the restart whatever the machine's
        // speed: a request a copytool had taken could still be copying when the restart stops it, and a STARTED
        // archive is not replayed (only restores are) but stays until active_request_timeout, as on Lustre.
        cluster.lfs("hsm_archive", "--archive", "2", waiting.toString()).out();
        // held at 1 MB until the restart, whatever the machine's speed (a paced copy could end before it is seen)
        try (Copytool held = cluster.startPosixCopytool("--archive", "1", "--gate",
                gateAt(1_000_000).toString())) {
            cluster.lfs("hsm_restore", restoring.toString()).out();
            cluster.awaitActionStatus(restoringFid, "RESTORE", "STARTED");
            assertEquals(List.of("WAITING"), cluster.actionStatuses(waitingFid, "ARCHIVE"), "no agent for archive 2");
            cluster.restartCoordinator(); // stops the copytools too, as an MDS crash would disconnect them
        }
        String actions = cluster.getParam("actions");
        assertEquals(List.of("WAITING"), cluster.actionStatuses(restoringFid, "RESTORE"), actions);
        assertEquals(List.of("WAITING"), cluster.actionStatuses(waitingFid, "ARCHIVE"), actions);
        assertEquals(0xd, cluster.flags(restoring));
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.awaitFlags(restoring, 0x9);
            assertArrayEquals(TestFiles.content("restoring", 3_000_000), TestFiles.read(restoring));
            cluster.awaitFlags(waiting, 0x9);
        }
        awaitNoAgent();
    }

    /**
     * After an MDS restart, a STARTED archive (not a restore, which is replayed) times out active_request_timeout after
     * the record's last change as the action log keeps it, arr_req_change (mdt_coordinator.c:346-347: with no request
     * in memory after the restart, mdt_cdt_started_cb takes the llog record's time), not after the restart. The
     * request ages past the timeout before the restart; counted from the restart, it could not time out before
     * restartBegan + timeout, so it must be CANCELED sooner.
     */
    @Test
    void a_started_request_times_out_from_its_logged_change_after_a_restart() throws Exception {
        // Counted from the restart (the old reading), the timeout could not end the request before restart + 30 s;
        // counted from its logged change it ends at the first pass. 30 s leaves a restart under heavy load (about
        // 15 s at worst seen) half the budget.
        long timeoutSeconds = 30;
        Path f = file("f", 100);
        String fid = cluster.fid(f);
        cluster.setParam("loop_period", "1");
        Copytool ct = cluster.startPosixCopytool();
        ct.suspend(); // receives the request and never ends it
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitActionStatus(fid, "ARCHIVE", "STARTED");
        ct.kill(); // its agent goes; the request stays STARTED until it times out
        awaitNoAgent();
        Thread.sleep(Duration.ofSeconds(timeoutSeconds + 1).toMillis()); // the record ages (the timeout is 3600 s now)
        assertEquals(List.of("STARTED"), cluster.actionStatuses(fid, "ARCHIVE"));
        long restartBegan = System.nanoTime();
        cluster.restartCoordinator();
        cluster.setParam("active_request_timeout", String.valueOf(timeoutSeconds));
        Duration beforeATimeoutFromTheRestart = Duration.ofNanos(
                restartBegan + Duration.ofSeconds(timeoutSeconds).toNanos() - System.nanoTime());
        Cluster.await("ARCHIVE of " + fid + " timed out from its logged change", beforeATimeoutFromTheRestart,
                () -> cluster.actionStatuses(fid, "ARCHIVE").contains("CANCELED"),
                () -> "actions:\n" + cluster.getParam("actions"));
    }

    @Test
    void test_106a_copytool_register_unregister() {
        try (Copytool ct = cluster.startPosixCopytool("--archive", "1", "--archive", "3")) {
            String agents = cluster.getParam("agents");
            assertTrue(agents.matches("uuid=[0-9a-f-]{36} archive_id=1,3 requests=\\[current:0 ok:0 errors:0\\]\n"),
                    agents);
        }
        awaitNoAgent();
        try (Copytool ct = cluster.startPosixCopytool()) {
            assertTrue(cluster.getParam("agents").contains("archive_id=ANY "));
        }
        awaitNoAgent();
    }

    @Test
    void copytool_registration_needs_root() throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                io.azlhsm.testcluster.harness.TestClusterHome.nativeDirectory().resolve("hsmsim-posix-copytool")
                        .toString(), "--hsm-root", "/tmp", cluster.mount().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("cannot start copytool interface on " + cluster.mount() + ": Operation not permitted"),
                out);
        assertEquals("", cluster.getParam("agents").trim());
    }

    /** The UUID of the one registered agent (mdt.*.hsm.agents). */
    private static String agentUuid() {
        String agents = cluster.getParam("agents");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^uuid=(\\S+) ").matcher(agents);
        assertTrue(m.find(), "no agent: " + agents);
        return m.group(1);
    }

    /**
     * sanity-hsm 106b: a copytool killed with SIGKILL is unregistered, and a copytool started again on the same mount
     * registers as the same agent (the client's UUID).
     */
    @Test
    void test_106b_unregister_agent_after_a_copytool_crash() {
        Copytool ct = cluster.startPosixCopytool();
        String uuid = agentUuid();
        ct.kill();
        awaitNoAgent();
        try (Copytool again = cluster.startPosixCopytool()) {
            assertEquals(uuid, agentUuid(), "registered again under the mount's UUID");
        }
        awaitNoAgent();
    }

    /** disconnect_agent_node's MDC devices of a mount: mdc.FSNAME-MDT*-mdc-INSTANCE.active (lfs getname -i). */
    private static String mdcActive(Path mount) {
        String instance = cluster.lfs("getname", "-i", mount.toString()).out().trim();
        assertTrue(instance.matches("[0-9a-f]{16}"), "lfs getname -i: " + instance);
        return "mdc." + cluster.fsname() + "-MDT*-mdc-" + instance + ".active";
    }

    /**
     * sanity-hsm 106c: the agent node disconnected (its MDCs deactivated, its UUID evicted from every MDT: the MDT's
     * export cleanup unregisters the agent) and reconnected (its MDCs active again: the client registers its
     * copytools again). The copytool is never restarted: it is registered again with its archive list and runs the
     * next action. Meanwhile metadata operations on that mount fail with ESHUTDOWN.
     */
    @Test
    void test_106c_unregister_copytool_on_client_eviction() throws Exception {
        Path before = file("before", 1000);
        try (Copytool ct = cluster.startPosixCopytool("--archive", "1", "--archive", "3")) {
            String uuid = agentUuid();
            String mdcs = mdcActive(cluster.mount());
            assertEquals(mdcs.replace("*", "0000") + "=1\n", cluster.lctl("get_param", mdcs).out());
            cluster.lctl("set_param", mdcs + "=0").out();
            try {
                assertTrue(cluster.getParam("agents").contains("uuid=" + uuid), "deactivating tells the MDT nothing");
                cluster.lctl("set_param", "mdt.*.evict_client=" + uuid).out(); // evict_agent
                assertEquals("", cluster.getParam("agents").trim(), "check_agent_unregistered");
                java.nio.file.FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(
                        java.nio.file.FileSystemException.class, () -> Files.size(before));
                assertTrue(e.getMessage().contains("Cannot send after transport endpoint shutdown"), e.toString());
            } finally {
                cluster.lctl("set_param", mdcs + "=1").out(); // reconnect_agent_node
            }
            assertEquals("uuid=" + uuid + " archive_id=1,3 requests=[current:0 ok:0 errors:0]\n",
                    cluster.getParam("agents"), "check_agent_registered: the same agent, its archive list");
            assertTrue(ct.isAlive(), "never restarted");
            cluster.lfs("hsm_archive", before.toString()).out();
            cluster.awaitFlags(before, 0x9);
            assertTrue(ct.log().contains("ARCHIVE " + cluster.fid(before)), ct.log());
        }
        awaitNoAgent();
    }

    /** An evicted client whose MDC is active reconnects at once: its copytool is registered again, untouched. */
    @Test
    void an_evicted_client_reconnects_and_registers_its_copytool_again() {
        try (Copytool ct = cluster.startPosixCopytool()) {
            String uuid = agentUuid();
            cluster.lctl("set_param", "mdt.*.evict_client=uuid:" + uuid).out();
            assertEquals(uuid, agentUuid());
            Path f = file("f", 1000);
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
        }
        awaitNoAgent();
    }

    /** sanity-hsm 402a: with every MDC of the mount inactive, a copytool fails to start and no agent appears. */
    @Test
    void test_402a_copytool_start_fails_if_all_mdts_are_inactive() {
        String mdcs = mdcActive(cluster.mount());
        cluster.lctl("set_param", mdcs + "=0").out();
        try {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> cluster.startPosixCopytool());
            assertTrue(e.getMessage().contains("copytool exited"), e.getMessage());
            assertEquals("", cluster.getParam("agents").trim(), "check_agent_unregistered");
        } finally {
            cluster.lctl("set_param", mdcs + "=1").out();
        }
    }

    /** sanity-hsm's copy2archive + "copytool import": an archive copy made outside Lustre, imported as a stub. */
    private Path imported(String name, int size) {
        Path f = cluster.importArchiveCopy(dir.getFileName() + "-" + name, TestFiles.content(name, size),
                dir.resolve(name));
        assertEquals(0xd, cluster.flags(f), "imported: released exists archived");
        return f;
    }

    /** A restore under the default policy (NRA on) whose archive copy is gone: FAILED once, the file stays released. */
    private void restoreWithoutBackendFails(Path f) throws Exception {
        String fid = cluster.fid(f);
        assertEquals("[NRA] NBR", cluster.getParam("policy").trim(), "the default policy");
        Files.delete(cluster.archiveCopy(fid)); // copytool_remove_backend
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_restore", f.toString()).out();
            cluster.awaitActionStatus(fid, "RESTORE", "FAILED");
        }
        awaitNoAgent();
        assertEquals(List.of("FAILED"), cluster.actionStatuses(fid, "RESTORE"), "not retried");
        assertEquals(0xd, cluster.flags(f), "still released");
    }

    /** sanity-hsm 111a: "No retry policy (import case), restore will error (No such file or directory)". */
    @Test
    void test_111a_no_retry_policy_import_case_restore_will_error() throws Exception {
        restoreWithoutBackendFails(imported("f", 1000));
    }

    /** sanity-hsm 111b: "No retry policy (release case), restore will error (No such file or directory)". */
    @Test
    void test_111b_no_retry_policy_release_case_restore_will_error() throws Exception {
        restoreWithoutBackendFails(archivedAndReleased("f", 1000));
    }

    @Test
    void no_retry_policy_fails_a_restore_the_copytool_asks_to_retry() {
        Path f = archivedAndReleased("f", 1000);
        String fid = cluster.fid(f);
        assertEquals("[NRA] NBR", cluster.getParam("policy").trim());
        try (Copytool failing = cluster.startPosixCopytool("--fail-with", "5", "--retry")) {
            cluster.lfs("hsm_restore", f.toString()).out();
            cluster.awaitActionStatus(fid, "RESTORE", "FAILED");
            assertTrue(cluster.getParam("agents").contains("errors:1"), cluster.getParam("agents"));
        }
        assertEquals(List.of("FAILED"), cluster.actionStatuses(fid, "RESTORE"), "not retried under NRA");
        assertEquals(0xd, cluster.flags(f), "a failed restore leaves the file released");
        awaitNoAgent();
    }

    @Test
    void without_no_retry_policy_an_archive_ended_with_retry_is_retried() {
        cluster.setParam("policy", "-NRA");
        cluster.setParam("loop_period", "1");
        assertEquals("NRA NBR", cluster.getParam("policy").trim());
        Path f = file("f", 1000);
        String fid = cluster.fid(f);
        try (Copytool failing = cluster.startPosixCopytool("--fail-with", "5", "--retry")) {
            cluster.lfs("hsm_archive", f.toString()).out();
            AtomicInteger attempts = new AtomicInteger();
            Cluster.await("archive retried", Duration.ofSeconds(20), () -> {
                attempts.set(failing.log().split(java.util.regex.Pattern.quote("ARCHIVE " + fid + " failed on purpose"), -1)
                        .length - 1);
                return attempts.get() >= 2;
            });
        }
        awaitNoAgent();
        assertTrue(List.of("WAITING", "STARTED").containsAll(cluster.actionStatuses(fid, "ARCHIVE")));
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.awaitFlags(f, 0x9);
        }
        awaitNoAgent();
    }

    @Test
    void test_202_register_cancel_remove() {
        Path f = file("f", 1000);
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
        }
        awaitNoAgent();
        String fid = cluster.fid(f);
        cluster.lfs("hsm_remove", f.toString()).out();
        assertEquals(List.of("WAITING"), cluster.actionStatuses(fid, "REMOVE"));
        assertEquals(f + ": REMOVE waiting (from 0 to EOF)\n", cluster.lfs("hsm_action", f.toString()).out());
        cluster.lfs("hsm_cancel", f.toString()).out();
        assertEquals(List.of("CANCELED"), cluster.actionStatuses(fid, "REMOVE"));
        assertEquals(0x9, cluster.flags(f));
    }

    @Test
    void test_250_coordinator_max_requests() throws Exception {
        cluster.setParam("max_requests", "2");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            files.add(file("f" + i, 1_000_000));
        }
        // every copy held at 500 KB until the test opens the gate: both slots stay taken, however fast the machine
        Path gate = gateAt(500_000);
        try (Copytool held = cluster.startPosixCopytool("--gate", gate.toString(), "--update-interval", "1")) {
            List<String> args = new ArrayList<>(List.of("hsm_archive"));
            files.forEach(f -> args.add(f.toString()));
            cluster.lfs(args.toArray(String[]::new)).out();
            Cluster.await("two archives running", Duration.ofSeconds(60),
                    () -> count(cluster.getParam("actions"), "status=STARTED") == 2, () -> cluster.getParam("actions"));
            assertEquals(4, count(cluster.getParam("actions"), "status=WAITING"), "the others wait for a slot");
            Files.delete(gate);
            while (files.stream().anyMatch(f -> cluster.flags(f) != 0x9)) {
                assertTrue(count(cluster.getParam("actions"), "status=STARTED") <= 2, "more than max_requests running");
            }
        }
        awaitNoAgent();
    }

    /**
     * The CL_HSM flags of every record about fid, oldest first, with a changelog user registered only for this test
     * (sanity-hsm's changelog_find -type HSM -target-fid).
     */
    private static List<String> hsmFlags(String fid) {
        return cluster.lfs("changelog", cluster.mdt()).out().lines()
                .filter(l -> l.contains("16HSM ") && l.contains(" t=" + fid)).map(l -> l.split("\\s+")[4]).toList();
    }

    private static void deregisterChangelogUser(String user) {
        cluster.lctlOnMds("--device", cluster.mdt(), "changelog_deregister", user).out();
    }

    /**
     * sanity-hsm 251. A timed-out request logs its own event with ECANCELED: HE_ARCHIVE|ECANCELED = 0x7d, not
     * HE_CANCEL (mdt_cdt_started_cb, mdt_coordinator.c:364-391); its agent counts an error
     * (mdt_hsm_agent_update_statistics(cdt, 0, 1, 0, ...), :361, shown as errors: in hsm.agents,
     * mdt_hsm_cdt_agent.c:709-712); the file's flags do not change (no DIRTY as after a failed archive).
     */
    @Test
    void test_251_coordinator_request_timeout() throws Exception {
        String user = cluster.registerChangelogUser(cluster.mdt());
        try {
            cluster.setParam("loop_period", "1");
            cluster.setParam("active_request_timeout", "2");
            Path f = file("f", 5_000_000);
            String fid = cluster.fid(f);
            // held at 1 MB with no progress report until it has timed out, whatever the machine's speed
            Path gate = gateAt(1_000_000);
            try (Copytool held = cluster.startPosixCopytool("--gate", gate.toString(), "--update-interval", "100")) {
                cluster.lfs("hsm_archive", f.toString()).out();
                cluster.awaitActionStatus(fid, "ARCHIVE", "CANCELED");
                String agents = cluster.getParam("agents");
                assertTrue(agents.endsWith(" requests=[current:0 ok:0 errors:1]\n"),
                        "a timeout counts an error of the agent: " + agents);
                Files.delete(gate); // the copytool, not told, finishes the copy and ends an action the MDT forgot
                Cluster.await("late end refused", Duration.ofSeconds(20),
                        () -> held.log().contains("(end: No such file or directory)"));
            }
            assertEquals(0, cluster.flags(f) & 0x8, "not archived");
            assertEquals(List.of("0x7d"), hsmFlags(fid), "HE_ARCHIVE|ECANCELED, and only that: the late end is refused");
        } finally {
            deregisterChangelogUser(user);
        }
        awaitNoAgent();
    }

    @Test
    void test_252_timeouted_restore() throws Exception {
        Path f = archivedAndReleased("f", 5_000_000);
        String fid = cluster.fid(f);
        cluster.setParam("loop_period", "1");
        cluster.setParam("active_request_timeout", "2");
        String user = cluster.registerChangelogUser(cluster.mdt());
        Path gate = gateAt(1_000_000);
        try (Copytool held = cluster.startPosixCopytool("--gate", gate.toString(), "--update-interval", "100")) {
            cluster.lfs("hsm_restore", f.toString()).out();
            cluster.awaitActionStatus(fid, "RESTORE", "CANCELED");
            String agents = cluster.getParam("agents");
            assertTrue(agents.endsWith(" requests=[current:0 ok:0 errors:1]\n"),
                    "a timeout counts an error of the agent: " + agents);
            Files.delete(gate);
            Cluster.await("late end refused", Duration.ofSeconds(20),
                    () -> held.log().contains("(end: No such file or directory)"));
            // mdt_coordinator.c:364-394: HE_RESTORE|ECANCELED (0xfd), and the restore handle (layout lock) dropped
            assertEquals(List.of("0xfd"), hsmFlags(fid), "a timed-out restore logs HE_RESTORE|ECANCELED");
        } finally {
            deregisterChangelogUser(user);
        }
        assertEquals(0xd, cluster.flags(f), "a timed out restore leaves the file released");
        awaitNoAgent();
    }

    @Test
    void test_260a_restore_requests_have_priority() {
        Path c = archivedAndReleased("c", 1000);
        Path a = file("a", 1000);
        Path b = file("b", 1000);
        cluster.setParam("hsm_control", "disabled");
        cluster.setParam("max_requests", "1");
        cluster.lfs("hsm_archive", a.toString()).out();
        cluster.lfs("hsm_archive", b.toString()).out();
        cluster.lfs("hsm_restore", c.toString()).out();
        cluster.setParam("hsm_control", "enabled");
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.awaitFlags(a, 0x9);
            cluster.awaitFlags(b, 0x9);
            cluster.awaitFlags(c, 0x9);
            assertEquals("RESTORE " + cluster.fid(c), startOrder(ct).get(0), ct.log());
        }
        awaitNoAgent();
    }

    @Test
    void test_260b_restore_requests_go_even_when_all_slots_are_busy() throws Exception {
        Path c = archivedAndReleased("c", 2_000_000);
        Path a = file("a", 4_000_000);
        cluster.setParam("max_requests", "1");
        // The gate holds every copy at byte 3,000,000 whatever the machine's speed: the archive of a (4 MB) holds the
        // only slot until the test opens the gate, while the restore of c (2 MB) runs to its end below it. Waiting
        // for the restore's STARTED instead would race the restore's end.
        Path gate = gateAt(3_000_000);
        try (Copytool held = cluster.startPosixCopytool("--gate", gate.toString(), "--update-interval", "1")) {
            cluster.lfs("hsm_archive", a.toString()).out();
            cluster.awaitActionStatus(cluster.fid(a), "ARCHIVE", "STARTED");
            cluster.lfs("hsm_restore", c.toString()).out();
            cluster.awaitFlags(c, 0x9); // restored while the archive held the only slot (mdt_cdt_waiting_cb)
            assertEquals(List.of("STARTED"), cluster.actionStatuses(cluster.fid(a), "ARCHIVE"),
                    "the archive holding the only slot was still running when the restore ended");
            Files.delete(gate);
            cluster.awaitFlags(a, 0x9);
        }
        awaitNoAgent();
    }

    @Test
    void test_260c_requests_are_dispatched_in_submission_order() {
        List<Path> files = List.of(file("a", 100), file("b", 100), file("c", 100));
        cluster.setParam("hsm_control", "disabled");
        cluster.setParam("max_requests", "1");
        for (Path f : files) {
            cluster.lfs("hsm_archive", f.toString()).out();
        }
        cluster.setParam("hsm_control", "enabled");
        try (Copytool ct = cluster.startPosixCopytool()) {
            for (Path f : files) {
                cluster.awaitFlags(f, 0x9);
            }
            List<String> expected = files.stream().map(f -> "ARCHIVE " + cluster.fid(f)).toList();
            assertEquals(expected, startOrder(ct));
        }
        awaitNoAgent();
    }

    @Test
    void no_agent_means_waiting_forever() throws Exception {
        cluster.setParam("loop_period", "1");
        cluster.setParam("active_request_timeout", "1");
        Path f = file("f", 100);
        cluster.lfs("hsm_archive", f.toString()).out();
        Thread.sleep(3000);
        assertEquals(List.of("WAITING"), cluster.actionStatuses(cluster.fid(f), "ARCHIVE"),
                "a request without an agent never times out");
        assertFalse(cluster.getParam("active_requests").isBlank());
    }
}

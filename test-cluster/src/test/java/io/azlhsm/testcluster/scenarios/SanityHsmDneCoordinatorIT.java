package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.Copytool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DNE: every MDT runs a coordinator of its own (lustre/mdt/mdt_coordinator.c, one struct coordinator per MDT device).
 * Its hsm_control and tunables are that MDT's (mdt.FSNAME-MDT0001.hsm_control), its action log lists that MDT's
 * requests only, a request naming files of several MDTs is split by the client into one request per MDT
 * (lmv_obd.c ~1087-1131; sanity-hsm 400, 401), and every action list a copytool receives comes from one MDT. A file
 * system of two MDTs; no copytool runs between tests: each test starts the ones it needs.
 */
class SanityHsmDneCoordinatorIT {
    private static final Pattern ACTION_LIST = Pattern.compile("action list fs=\\S+ archive#=\\d+ item_count=(\\d+)"
            + " fids:((?: \\[[^\\]]+\\])*)");
    private static final Pattern FID = Pattern.compile("\\[[^\\]]+\\]");

    private static Cluster cluster;
    private Path dir;
    /** A directory on MDT1; dir itself is on MDT0. */
    private Path onMdt1;

    @BeforeAll
    static void start() {
        cluster = Cluster.startDne(2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
        onMdt1 = dir.resolve("one");
        cluster.lfs("mkdir", "-i", "1", onMdt1.toString()).out();
        assertEquals(0, cluster.agentCount(), "no copytool left from another test");
    }

    /** Every MDT's coordinator back to its defaults. */
    @AfterEach
    void resetCoordinators() {
        cluster.setParam("hsm_control", "enabled");
        cluster.setParam("policy", "NRA");
        cluster.setParam("loop_period", "10");
        cluster.setParam("max_requests", "3");
    }

    private int mdtOf(Path file) {
        return Integer.parseInt(cluster.lfs("getstripe", "-m", file.toString()).out().trim());
    }

    private void awaitNoAgent() {
        Cluster.await("agents gone", Duration.ofSeconds(20), () -> cluster.agentCount() == 0,
                () -> cluster.getParam("agents"));
    }

    /**
     * test-framework.sh wait_request_state FID ACTION STATE MDTIDX: the request's status in that MDT's own action log
     * (mdt.FSNAME-MDT000N.hsm.actions).
     */
    private void awaitRequestState(String fid, String action, String state, int mdt) {
        Cluster.await(action + " of " + fid + " " + state + " on MDT" + mdt, Duration.ofSeconds(30),
                () -> cluster.getParam(mdt, "actions").lines().anyMatch(l -> l.contains("fid=" + fid + " ")
                        && l.contains("action=" + action + " ") && l.contains("status=" + state + " ")),
                () -> "actions:\n" + cluster.lctl("get_param", "mdt.*.hsm.actions").out());
    }

    /** The client's MDC of MDT1 on the default mount: FSNAME-MDT0001-mdc-INSTANCE (lfs getname -i). */
    private static String mdcOfMdt1() {
        return cluster.mdt(1) + "-mdc-" + cluster.lfs("getname", "-i", cluster.mount().toString()).out().trim();
    }

    /** mdc_change_state: lctl --device MDC activate|deactivate, as sanity-hsm switches a client's MDC. */
    private static void mdcChangeState(String mdc, String state) {
        assertEquals("", cluster.lctl("--device", mdc, state).out());
    }

    private static String agentUuid() {
        Matcher m = Pattern.compile("^uuid=(\\S+) ").matcher(cluster.getParam(0, "agents"));
        assertTrue(m.find(), cluster.getParam(0, "agents"));
        return m.group(1);
    }

    /**
     * sanity-hsm 403: with the client's MDC of MDT0001 deactivated a copytool starts, registered on MDT0000 only; once
     * the MDC is active again the client registers it with MDT0001 too, without a restart.
     */
    @Test
    void test_403_copytool_starts_with_inactive_mdt_and_register_on_reconnect() {
        String mdc = mdcOfMdt1();
        mdcChangeState(mdc, "deactivate");
        String uuid;
        try (Copytool ct = cluster.startPosixCopytool()) {
            try {
                uuid = agentUuid();
                assertEquals("", cluster.getParam(1, "agents").trim(), "check_agent_unregistered_by_mdt 1");
                assertEquals("0\n", cluster.lctl("get_param", "-n", "mdc." + mdc + ".active").out());
            } finally {
                mdcChangeState(mdc, "activate");
            }
            assertTrue(cluster.getParam(1, "agents").contains("uuid=" + uuid + " "), cluster.getParam(1, "agents"));
            Path f1 = TestFiles.create(onMdt1.resolve("f1"), 100);
            cluster.lfs("hsm_archive", f1.toString()).out();
            awaitRequestState(cluster.fid(f1), "ARCHIVE", "SUCCEED", 1);
        }
        awaitNoAgent();
    }

    /**
     * sanity-hsm 404: with the client's MDC of MDT0001 deactivated, an archive of a file on MDT0000 succeeds (files on
     * MDT0001 are out of reach meanwhile: ESHUTDOWN).
     */
    @Test
    void test_404_inactive_mdt_does_not_block_requests_for_active_mdts() throws Exception {
        Path f0 = TestFiles.create(dir.resolve("f0"), 100);
        Path f1 = TestFiles.create(onMdt1.resolve("f1"), 100);
        try (Copytool ct = cluster.startPosixCopytool()) {
            String mdc = mdcOfMdt1();
            mdcChangeState(mdc, "deactivate");
            try {
                cluster.lfs("hsm_archive", f0.toString()).out();
                awaitRequestState(cluster.fid(f0), "ARCHIVE", "SUCCEED", 0);
                java.nio.file.FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(
                        java.nio.file.FileSystemException.class, () -> java.nio.file.Files.size(f1));
                assertTrue(e.getMessage().contains("Cannot send after transport endpoint shutdown"), e.toString());
            } finally {
                mdcChangeState(mdc, "activate");
            }
            assertEquals(100, java.nio.file.Files.size(f1));
        }
        awaitNoAgent();
    }

    /** sanity-hsm 400: a request about one file goes to that file's MDT. */
    @Test
    void test_400_single_request_is_sent_to_the_right_mdt() {
        Path f0 = TestFiles.create(dir.resolve("f0"), 100);
        Path f1 = TestFiles.create(onMdt1.resolve("f1"), 100);
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_archive", f0.toString()).out();
            awaitRequestState(cluster.fid(f0), "ARCHIVE", "SUCCEED", 0);
            cluster.lfs("hsm_archive", f1.toString()).out();
            awaitRequestState(cluster.fid(f1), "ARCHIVE", "SUCCEED", 1);
            assertFalse(cluster.getParam(0, "actions").contains(cluster.fid(f1)), cluster.getParam(0, "actions"));
        }
        awaitNoAgent();
    }

    /** sanity-hsm 401: a compound request is split and sent to the files' MDTs. */
    @Test
    void test_401_compound_requests_split_and_sent_to_their_respective_mdts() {
        Path f0 = TestFiles.create(dir.resolve("f0"), 100);
        Path f1 = TestFiles.create(onMdt1.resolve("f1"), 100);
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_archive", f0.toString(), f1.toString()).out();
            awaitRequestState(cluster.fid(f0), "ARCHIVE", "SUCCEED", 0);
            awaitRequestState(cluster.fid(f1), "ARCHIVE", "SUCCEED", 1);
        }
        awaitNoAgent();
    }

    @Test
    void disabling_one_mdts_coordinator_leaves_the_other_mdts_requests_served() {
        Path f0 = TestFiles.create(dir.resolve("f0"), 1000);
        Path f1 = TestFiles.create(onMdt1.resolve("f1"), 1000);
        assertEquals(0, mdtOf(f0));
        assertEquals(1, mdtOf(f1));
        cluster.setParam(1, "hsm_control", "disabled");
        assertEquals("enabled\n", cluster.getParam(0, "hsm_control"));
        assertEquals("disabled\n", cluster.getParam(1, "hsm_control"));
        assertEquals("mdt." + cluster.mdt(0) + ".hsm_control=enabled\nmdt." + cluster.mdt(1)
                + ".hsm_control=disabled\n", cluster.lctl("get_param", "mdt.*.hsm_control").out());
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_archive", f0.toString(), f1.toString()).out(); // one request, split by MDT
            cluster.awaitFlags(f0, 0x9);
            // MDT0's request was served after both were recorded: MDT1's coordinator keeps its own waiting
            assertEquals(List.of("WAITING"), cluster.actionStatuses(cluster.fid(f1), "ARCHIVE"),
                    cluster.getParam("actions"));
            assertFalse(ct.log().contains(cluster.fid(f1)), ct.log());

            cluster.setParam(1, "hsm_control", "enabled");
            cluster.awaitFlags(f1, 0x9);
        }
        awaitNoAgent();
    }

    /** Each MDT keeps its own tunables, hsm_control and waiting requests across an MDS restart. */
    @Test
    void each_mdts_tunables_control_and_actions_survive_a_restart() {
        Path f1 = TestFiles.create(onMdt1.resolve("f1"), 100);
        cluster.setParam(1, "max_requests", "7");
        cluster.setParam(1, "hsm_control", "disabled");
        cluster.lfs("hsm_archive", f1.toString()).out();
        cluster.restartCoordinator();
        assertEquals("3\n", cluster.getParam(0, "max_requests"));
        assertEquals("7\n", cluster.getParam(1, "max_requests"));
        assertEquals("enabled\n", cluster.getParam(0, "hsm_control"));
        assertEquals("disabled\n", cluster.getParam(1, "hsm_control"));
        assertEquals(List.of("WAITING"), cluster.actionStatuses(cluster.fid(f1), "ARCHIVE"));
        assertFalse(cluster.getParam(0, "actions").contains(cluster.fid(f1)), cluster.getParam(0, "actions"));
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.setParam(1, "hsm_control", "enabled");
            cluster.awaitFlags(f1, 0x9);
        }
        awaitNoAgent();
    }

    @Test
    void each_mdt_has_its_own_retry_policy() {
        Path f0 = TestFiles.create(dir.resolve("f0"), 1000);
        Path f1 = TestFiles.create(onMdt1.resolve("f1"), 1000);
        String fid0 = cluster.fid(f0);
        String fid1 = cluster.fid(f1);
        cluster.setParam("loop_period", "1");
        cluster.setParam(1, "policy", "-NRA");
        assertEquals("[NRA] NBR\n", cluster.getParam(0, "policy"), "MDT0 keeps the default policy");
        assertEquals("NRA NBR\n", cluster.getParam(1, "policy"));
        try (Copytool failing = cluster.startPosixCopytool("--fail-with", "5", "--retry")) {
            cluster.lfs("hsm_archive", f0.toString(), f1.toString()).out();
            cluster.awaitActionStatus(fid0, "ARCHIVE", "FAILED"); // MDT0: NRA, an action ended with RETRY fails
            Cluster.await("MDT1 retrying its archive", Duration.ofSeconds(20),
                    () -> attempts(failing, fid1) >= 2, failing::log);
            assertEquals(List.of("FAILED"), cluster.actionStatuses(fid0, "ARCHIVE"), "retried under NRA");
        }
        awaitNoAgent();
        cluster.setParam(1, "hsm_control", "purge"); // MDT1's archive would be retried for ever
        assertEquals("", cluster.getParam(1, "actions").trim());
    }

    private static long attempts(Copytool ct, String fid) {
        return ct.log().lines().filter(l -> l.contains("ARCHIVE " + fid + " failed on purpose")).count();
    }

    @Test
    void an_action_list_never_mixes_mdts() {
        Map<String, Integer> mdtByFid = new HashMap<>();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (Path f : List.of(TestFiles.create(dir.resolve("f" + i), 500), TestFiles.create(
                    onMdt1.resolve("g" + i), 500))) {
                mdtByFid.put(cluster.fid(f), mdtOf(f));
                paths.add(f.toString());
            }
        }
        assertEquals(Set.of(0, 1), new HashSet<>(mdtByFid.values()));
        cluster.setParam("max_requests", "4"); // every MDT's coordinator could send all four in one list
        try (Copytool ct = cluster.startPosixCopytool()) {
            List<String> args = new ArrayList<>(List.of("hsm_archive"));
            args.addAll(paths); // MDT0, MDT1, MDT0, MDT1: one request
            cluster.lfs(args.toArray(String[]::new)).out();
            for (String p : paths) {
                cluster.awaitFlags(Path.of(p), 0x9);
            }
            Set<String> received = new HashSet<>();
            int lists = 0;
            for (List<String> list : actionLists(ct.log())) {
                Set<Integer> mdts = new HashSet<>();
                list.forEach(fid -> mdts.add(mdtByFid.get(fid)));
                assertEquals(1, mdts.size(), "an action list of several MDTs: " + list + "\n" + ct.log());
                received.addAll(list);
                lists++;
            }
            assertEquals(mdtByFid.keySet(), received, ct.log());
            assertEquals(2, lists, "one list per MDT:\n" + ct.log());
        }
        awaitNoAgent();
    }

    /** The FIDs of each action list the posix copytool logged, in the order it received them. */
    private static List<List<String>> actionLists(String log) {
        List<List<String>> lists = new ArrayList<>();
        Matcher m = ACTION_LIST.matcher(log);
        while (m.find()) {
            List<String> fids = new ArrayList<>();
            Matcher f = FID.matcher(m.group(2));
            while (f.find()) {
                fids.add(f.group());
            }
            assertEquals(Integer.parseInt(m.group(1)), fids.size(), m.group());
            lists.add(fids);
        }
        return lists;
    }

    @Test
    void hsm_actions_of_each_mdt_list_that_mdts_requests() {
        Path f0 = TestFiles.create(dir.resolve("f0"), 1000);
        Path f1 = TestFiles.create(onMdt1.resolve("f1"), 1000);
        String fid0 = cluster.fid(f0);
        String fid1 = cluster.fid(f1);
        cluster.setParam("hsm_control", "disabled"); // recorded, not dispatched: the lists stay as they are
        cluster.lfs("hsm_archive", f0.toString(), f1.toString()).out();

        Map<String, String> byParam = sections(cluster.lctl("get_param", "mdt.*.hsm.actions").out());
        String param0 = "mdt." + cluster.mdt(0) + ".hsm.actions";
        String param1 = "mdt." + cluster.mdt(1) + ".hsm.actions";
        assertEquals(List.of(param0, param1), List.copyOf(byParam.keySet()));
        assertTrue(byParam.get(param0).contains("fid=" + fid0 + " "), byParam.toString());
        assertFalse(byParam.get(param0).contains(fid1), byParam.toString());
        assertTrue(byParam.get(param1).contains("fid=" + fid1 + " "), byParam.toString());
        assertFalse(byParam.get(param1).contains(fid0), byParam.toString());
        assertEquals(1, cluster.getParam(1, "active_requests").lines().count(), cluster.getParam(1, "active_requests"));
        assertTrue(cluster.getParam(1, "active_requests").contains("fid=" + fid1 + " "));

        cluster.setParam(0, "hsm_control", "purge"); // MDT0's requests go, MDT1's stay
        assertEquals("", cluster.getParam(0, "actions").trim());
        assertEquals(List.of("WAITING"), cluster.actionStatuses(fid1, "ARCHIVE"));
        cluster.setParam(1, "hsm_control", "purge");
    }

    /** lctl get_param output of multi-line values: "name=" on a line of its own, then the value's lines. */
    private static Map<String, String> sections(String out) {
        Map<String, String> byParam = new LinkedHashMap<>();
        String current = null;
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("mdt.") && line.endsWith("=")) {
                current = line.substring(0, line.length() - 1);
                byParam.put(current, "");
            } else if (current != null && !line.isEmpty()) {
                byParam.put(current, byParam.get(current) + line + "\n");
            }
        }
        return byParam;
    }
}

package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.CommandResult;
import io.azlhsm.testcluster.harness.Copytool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DNE: a file system of three MDTs. Directories are placed with lfs mkdir -i / -c (children inherit their
 * directory's MDT; a striped directory spreads names over its stripes), every MDT hands out FIDs of its own
 * sequences and keeps its own changelog, and a restore's volatile file must be on the file's MDT (sanity-hsm 405:
 * archive and release under a striped directory; what the layout swap makes of a volatile file on another MDT).
 */
class SanityHsmDneIT {
    private static final int MDTS = 3;

    private static Cluster cluster;
    private static Copytool copytool;
    private Path dir;

    @BeforeAll
    static void start() {
        cluster = Cluster.startDne(MDTS);
        copytool = cluster.startPosixCopytool();
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
        assertTrue(copytool.isAlive(), copytool.log());
    }

    private int mdtOf(Path file) {
        return Integer.parseInt(cluster.lfs("getstripe", "-m", file.toString()).out().trim());
    }

    @Test
    void lfs_mdts_lists_every_mdt_as_llapi_ostlist_prints_them() {
        StringBuilder want = new StringBuilder("MDTS:\n");
        for (int i = 0; i < MDTS; i++) {
            want.append(i).append(": ").append(cluster.mdt(i)).append("_UUID ACTIVE\n");
        }
        assertEquals(want.toString(), cluster.lfs("mdts", cluster.mount().toString()).out());
    }

    @Test
    void lfs_mkdir_i_places_a_directory_and_its_children_inherit_its_mdt() {
        Path one = dir.resolve("one");
        cluster.lfs("mkdir", "-i", "1", one.toString()).out();
        assertEquals("lmv_stripe_count: 0 lmv_stripe_offset: 1 lmv_hash_type: none\n",
                cluster.lfs("getdirstripe", one.toString()).out());
        assertEquals("1\n", cluster.lfs("getdirstripe", "-i", one.toString()).out());
        Path sub = one.resolve("sub");
        assertTrue(sub.toFile().mkdir());
        Path f = TestFiles.create(sub.resolve("f"), 10);
        for (Path p : List.of(one, sub, f)) {
            assertEquals(1, mdtOf(p), p.toString());
            // MDT0001 hands out FIDs of its own sequences, as a DNE file system does ([0x240000400:...])
            assertTrue(cluster.fid(p).startsWith("[0x2400004"), cluster.fid(p));
        }
        assertEquals(0, mdtOf(dir));
        assertEquals("lmv_stripe_count: 0 lmv_stripe_offset: 0 lmv_hash_type: none\n",
                cluster.lfs("getdirstripe", dir.toString()).out());
        CommandResult noSuchMdt = cluster.lfs("mkdir", "-i", Integer.toString(MDTS), dir.resolve("x").toString());
        assertFalse(noSuchMdt.ok(), noSuchMdt.toString());
    }

    @Test
    void a_striped_directory_spreads_its_names_over_its_mdts() {
        Path striped = dir.resolve("striped");
        cluster.lfs("mkdir", "-c", Integer.toString(MDTS), "-i", "1", striped.toString()).out();
        String layout = cluster.lfs("getdirstripe", striped.toString()).out();
        List<String> lines = layout.lines().toList();
        assertEquals("lmv_stripe_count: 3 lmv_stripe_offset: 1 lmv_hash_type: fnv_1a_64", lines.get(0), layout);
        assertEquals("mdtidx\t\t FID[seq:oid:ver]", lines.get(1), layout);
        assertEquals(2 + MDTS, lines.size(), layout);
        for (int i = 0; i < MDTS; i++) {
            assertTrue(lines.get(2 + i).matches(" {5}" + (1 + i) % MDTS + "\t\t \\[0x[0-9a-f]+:0x[0-9a-f]+:0x0]\t\t"),
                    lines.get(2 + i));
        }
        Set<Integer> used = new TreeSet<>();
        for (int i = 0; i < 24; i++) {
            used.add(mdtOf(TestFiles.create(striped.resolve("f" + i), 10)));
        }
        assertEquals(Set.of(0, 1, 2), used);
    }

    @Test
    void each_mdt_keeps_its_own_changelog_and_users() {
        Path one = dir.resolve("one");
        cluster.lfs("mkdir", "-i", "1", one.toString()).out();
        String user0 = cluster.registerChangelogUser(cluster.mdt(0));
        String user1 = cluster.registerChangelogUser(cluster.mdt(1));
        try {
            Path onMdt1 = TestFiles.create(one.resolve("f"), 10);
            Path onMdt0 = TestFiles.create(dir.resolve("g"), 10);
            String log1 = cluster.lfs("changelog", cluster.mdt(1)).out();
            String log0 = cluster.lfs("changelog", cluster.mdt(0)).out();
            assertTrue(log1.contains("01CREAT") && log1.contains(" t=" + cluster.fid(onMdt1)), log1);
            assertFalse(log1.contains(cluster.fid(onMdt0)), log1);
            assertTrue(log0.contains(" t=" + cluster.fid(onMdt0)), log0);
            assertFalse(log0.contains(cluster.fid(onMdt1)), log0);
            cluster.lfs("hsm_archive", onMdt1.toString()).out();
            cluster.awaitFlags(onMdt1, 0x9);
            String hsm = cluster.lfs("changelog", cluster.mdt(1)).out();
            assertTrue(hsm.contains("16HSM") && hsm.contains(" t=" + cluster.fid(onMdt1)), hsm);
            assertFalse(cluster.lfs("changelog", cluster.mdt(0)).out().contains("16HSM"));
        } finally {
            cluster.lctlOnMds("--device", cluster.mdt(0), "changelog_deregister", user0).out();
            cluster.lctlOnMds("--device", cluster.mdt(1), "changelog_deregister", user1).out();
        }
    }

    /** sanity-hsm 405: archive, release and restore (by reading) every file of a directory striped over all MDTs. */
    @Test
    void test_405_archive_and_release_under_striped_directory() {
        Path striped = dir.resolve("striped");
        cluster.lfs("mkdir", "-c", Integer.toString(MDTS), striped.toString()).out();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            files.add(TestFiles.create(striped.resolve("f" + i), 1000 + i));
        }
        List<String> paths = files.stream().map(Path::toString).toList();
        cluster.lfs(concat("hsm_archive", paths)).out();
        files.forEach(f -> cluster.awaitFlags(f, 0x9));
        cluster.lfs(concat("hsm_release", paths)).out();
        files.forEach(f -> assertEquals(0xd, cluster.flags(f)));
        for (int i = 0; i < files.size(); i++) {
            // the posix copytool passes the file's MDT (llapi_get_mdt_index_by_fid), as lhsmtool_posix does
            assertArrayEquals(TestFiles.content("f" + i, 1000 + i), TestFiles.read(files.get(i)));
            assertEquals(0x9, cluster.flags(files.get(i)));
        }
    }

    /** llapi_hsm_import creates the stub where its directory places it; restoring it works on that MDT too. */
    @Test
    void an_import_into_a_directory_of_another_mdt_is_a_stub_of_that_mdt() throws Exception {
        Path one = dir.resolve("one");
        cluster.lfs("mkdir", "-i", "2", one.toString()).out();
        Path src = cluster.hsmRoot().resolve("import").resolve("dne-imported");
        java.nio.file.Files.createDirectories(src.getParent());
        java.nio.file.Files.write(src, TestFiles.content("imported", 4000));
        Path dst = one.resolve("imported");
        Process p = new ProcessBuilder(io.azlhsm.testcluster.harness.TestClusterHome.directory()
                .resolve("bin/hsmsim-posix-copytool").toString(), "--hsm-root", cluster.hsmRoot().toString(),
                "--import", cluster.hsmRoot().relativize(src).toString(), dst.toString(), cluster.mount().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertEquals(2, mdtOf(dst));
        assertTrue(cluster.fid(dst).startsWith("[0x2800004"), cluster.fid(dst));
        assertEquals(0xd, cluster.flags(dst));
        assertArrayEquals(TestFiles.content("imported", 4000), TestFiles.read(dst));
        assertEquals(0x9, cluster.flags(dst));
    }

    /**
     * A volatile file on another MDT than the file's: the coordinator of the file's MDT cannot find it at the layout
     * swap (mdt_coordinator.c hsm_swap_layouts, -ENOENT), after all the data was copied; the restore fails and the
     * file stays released. An MDT the file system does not have fails action_begin (lmv_locate_tgt: -ENODEV).
     */
    @Test
    void a_restore_whose_volatile_file_is_on_another_mdt_fails_and_the_file_stays_released() {
        Path one = dir.resolve("one");
        cluster.lfs("mkdir", "-i", "1", one.toString()).out();
        Path f = TestFiles.create(one.resolve("f"), 5000);
        Path g = TestFiles.create(one.resolve("g"), 5000);
        for (Path p : List.of(f, g)) {
            cluster.lfs("hsm_archive", p.toString()).out();
            cluster.awaitFlags(p, 0x9);
            cluster.lfs("hsm_release", p.toString()).out();
        }
        stopCopytool(copytool);
        Copytool wrong = cluster.startPosixCopytool("--restore-mdt-index", "0");
        try {
            cluster.lfs("hsm_restore", f.toString()).out();
            cluster.awaitActionStatus(cluster.fid(f), "RESTORE", "FAILED");
            assertEquals(0xd, cluster.flags(f));
        } finally {
            stopCopytool(wrong);
        }
        Copytool missing = cluster.startPosixCopytool("--restore-mdt-index", Integer.toString(MDTS));
        try {
            cluster.lfs("hsm_restore", g.toString()).out();
            cluster.awaitActionStatus(cluster.fid(g), "RESTORE", "FAILED");
            assertEquals(0xd, cluster.flags(g));
        } finally {
            stopCopytool(missing);
            copytool = cluster.startPosixCopytool();
        }
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertArrayEquals(TestFiles.content("f", 5000), TestFiles.read(f));
    }

    private static void stopCopytool(Copytool ct) {
        ct.close();
        Cluster.await("no copytool registered", java.time.Duration.ofSeconds(20), () -> cluster.agentCount() == 0);
    }

    private static String[] concat(String command, List<String> paths) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(paths);
        return all.toArray(String[]::new);
    }
}

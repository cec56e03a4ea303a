package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.CommandResult;
import io.azlhsm.testcluster.harness.Copytool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm tests re-expressed on the simulator, with one cluster and one fast hsmsim-posix-copytool (all archives)
 * shared by the class. Each test works in its own directory. Flags: 0x1 exists, 0x2 dirty, 0x4 released,
 * 0x8 archived, 0x10 never_release, 0x20 never_archive.
 */
@ExtendWith(ClusterExtension.class)
class SanityHsmBasicIT {
    private static final int NOBODY = 65534;

    private static Cluster cluster;
    private static Copytool copytool;
    private Path dir;

    @BeforeAll
    static void startCopytool(Cluster c) {
        cluster = c;
        copytool = c.startPosixCopytool();
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
        assertTrue(copytool.isAlive(), copytool.log());
    }

    private Path file(String name, int size) {
        return TestFiles.create(dir.resolve(name), size);
    }

    private Path archived(String name, int size) {
        Path f = file(name, size);
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        return f;
    }

    private Path released(String name, int size) {
        Path f = archived(name, size);
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(0xd, cluster.flags(f));
        return f;
    }

    private Path imported(String name, int size) throws Exception {
        Path src = cluster.hsmRoot().resolve("import").resolve(dir.getFileName() + "-" + name);
        Files.createDirectories(src.getParent());
        Files.write(src, TestFiles.content(name, size));
        Path dst = dir.resolve(name);
        Files.createDirectories(dst.getParent());
        CommandResult r = runCopytoolImport(cluster.hsmRoot().relativize(src).toString(), dst);
        assertEquals(0, r.exitCode(), r.toString());
        return dst;
    }

    private CommandResult runCopytoolImport(String src, Path dst) throws Exception {
        Process p = new ProcessBuilder(io.azlhsm.testcluster.harness.TestClusterHome.directory()
                .resolve("bin/hsmsim-posix-copytool").toString(), "--hsm-root", cluster.hsmRoot().toString(),
                "--import", src, dst.toString(), cluster.mount().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new CommandResult(p.waitFor(), out, "");
    }

    private static void assertFails(CommandResult r, String strerror) {
        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains(strerror), r.toString());
    }

    private static void chown(Path p, int uid) throws Exception {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void test_1A_hsm_flags_root_and_non_root_access() throws Exception {
        Path f = file("f", 100);
        chown(f, NOBODY);
        // a user may set and clear the user flags of a file...
        cluster.lfsAs(NOBODY, "hsm_set", "--norelease", f.toString()).out();
        assertEquals(0x10, cluster.flags(f));
        cluster.lfsAs(NOBODY, "hsm_clear", "--norelease", f.toString()).out();
        cluster.lfsAs(NOBODY, "hsm_set", "--noarchive", f.toString()).out();
        assertEquals(0x20, cluster.flags(f));
        // ...but not the flags that describe the archive
        assertFails(cluster.lfsAs(NOBODY, "hsm_set", "--exists", "--archived", f.toString()), "Operation not permitted");
        assertEquals(0x20, cluster.flags(f));
        // root may set anything valid
        cluster.lfs("hsm_set", "--exists", "--archived", f.toString()).out();
        assertEquals(0x29, cluster.flags(f));
        assertFails(cluster.lfsAs(NOBODY, "hsm_clear", "--archived", f.toString()), "Operation not permitted");
        cluster.lfs("hsm_clear", "--exists", "--archived", "--noarchive", f.toString()).out();
        assertEquals(0, cluster.flags(f));
        // FIDs and data versions work for users too (trusted.lma is root's: libhsmsim asks the daemon)
        assertEquals(cluster.fid(f) + "\n", cluster.lfsAs(NOBODY, "path2fid", f.toString()).out());
        assertEquals(cluster.lfs("data_version", f.toString()).out(),
                cluster.lfsAs(NOBODY, "data_version", f.toString()).out());
        assertEquals(f + ": (0x00000000)\n", cluster.lfsAs(NOBODY, "hsm_state", f.toString()).out());
    }

    @Test
    void test_4_useless_cancel_must_not_hang() {
        Path f = file("f", 100);
        CommandResult r = cluster.lfs("hsm_cancel", f.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(f + ": NOOP\n", cluster.lfs("hsm_action", f.toString()).out());
        assertEquals(0, cluster.flags(f));
    }

    @Test
    void test_8_default_archive_number() {
        Path f = archived("f", 100);
        assertEquals(f + ": (0x00000009) exists archived, archive_id:1\n", cluster.lfs("hsm_state", f.toString()).out());
    }

    @Test
    void test_10a_archive_a_file() {
        Path f = archived("f", 300_000);
        String fid = cluster.fid(f);
        Path copy = cluster.archiveCopy(fid);
        assertTrue(Files.exists(copy), copy + " missing");
        assertArrayEquals(TestFiles.read(f), TestFiles.read(copy));
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(fid, "ARCHIVE"));
    }

    @Test
    void test_10b_archive_of_non_dirty_file_must_work_without_doing_request() {
        Path f = archived("f", 100);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(fid, "ARCHIVE"), "no second request recorded");
        assertEquals(0x9, cluster.flags(f));
    }

    @Test
    void test_10c_check_forbidden_archive() {
        Path f = file("f", 100);
        cluster.lfs("hsm_set", "--noarchive", f.toString()).out();
        assertFails(cluster.lfs("hsm_archive", f.toString()), "Operation not permitted");
        assertEquals(0x20, cluster.flags(f));
        cluster.lfs("hsm_clear", "--noarchive", f.toString()).out();
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
    }

    @Test
    void test_10d_archive_a_file_on_the_default_archive_id() {
        cluster.setParam("default_archive_id", "2");
        try {
            Path f = file("f", 100);
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
            assertEquals(f + ": (0x00000009) exists archived, archive_id:2\n",
                    cluster.lfs("hsm_state", f.toString()).out());
        } finally {
            cluster.setParam("default_archive_id", "1");
        }
    }

    @Test
    void test_11a_import_a_copy_into_hsm() throws Exception {
        Path f = imported("f", 123_456);
        assertEquals(f + ": (0x0000000d) released exists archived, archive_id:1\n",
                cluster.lfs("hsm_state", f.toString()).out());
        assertEquals(123_456, Files.size(f));
        assertEquals(0, cluster.lfs("data_version", f.toString()).out().trim().compareTo("0"));
        assertTrue(Files.exists(cluster.archiveCopy(cluster.fid(f))), "archive copy filed under the new FID");
        assertTrue(cluster.lfs("getstripe", "-L", f.toString()).out().contains("released"), "released pattern");
    }

    @Test
    void test_12a_restore_an_imported_file_explicitly() throws Exception {
        Path f = imported("f", 200_000);
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertArrayEquals(TestFiles.content("f", 200_000), TestFiles.read(f));
    }

    @Test
    void test_12d_restore_of_a_non_archived_non_released_file_must_work_without_doing_request() {
        Path f = file("f", 100);
        cluster.lfs("hsm_restore", f.toString()).out();
        assertEquals(List.of(), cluster.actionStatuses(cluster.fid(f), "RESTORE"));
        assertEquals(0, cluster.flags(f));
    }

    @Test
    void test_12e_check_forbidden_restore() throws Exception {
        Path f = archived("f", 100);
        Files.write(f, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(0xb, cluster.flags(f), "a write to an archived file makes it dirty");
        assertFails(cluster.lfs("hsm_restore", f.toString()), "Operation not permitted");
        assertEquals(List.of(), cluster.actionStatuses(cluster.fid(f), "RESTORE"));
    }

    @Test
    void test_12f_restore_a_released_file_explicitly() {
        Path f = released("f", 500_000);
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertArrayEquals(TestFiles.content("f", 500_000), TestFiles.read(f));
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(f), "RESTORE"));
    }

    @Test
    void test_12b_restore_an_imported_file_implicitly() throws Exception {
        Path f = imported("f", 300_000);
        assertArrayEquals(TestFiles.content("f", 300_000), TestFiles.read(f), "the read blocked on a restore");
        assertEquals(0x9, cluster.flags(f));
        String line = cluster.getParam("actions").lines().filter(l -> l.contains("fid=" + cluster.fid(f) + " "))
                .findFirst().orElseThrow();
        assertTrue(line.contains("action=RESTORE") && line.contains("flags=0x4 "), "HSM_REQ_BLOCKING: " + line);
    }

    @Test
    void test_12g_restore_a_released_file_implicitly() throws Exception {
        Path f = released("f", 400_000);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
            assertEquals(0xd, cluster.flags(f), "open alone does not restore");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(400_000);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // the first read blocks until the restore is done
            }
            assertArrayEquals(TestFiles.content("f", 400_000), buf.array());
        }
        assertEquals(0x9, cluster.flags(f));
    }

    @Test
    void truncate_of_a_released_file_restores_it_first() throws Exception {
        Path f = released("f", 100_000);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(1000);
        }
        byte[] expected = java.util.Arrays.copyOf(TestFiles.content("f", 100_000), 1000);
        assertArrayEquals(expected, TestFiles.read(f));
        assertEquals(0xb, cluster.flags(f), "restored, then truncated: dirty");
    }

    @Test
    void nbr_policy_makes_io_on_released_files_fail_with_enodata() throws Exception {
        Path f = released("f", 1000);
        cluster.setParam("policy", "+NBR");
        try {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> TestFiles.readOrThrow(f));
            assertTrue(e.getMessage().contains("No data available"), e.getMessage());
            cluster.awaitFlags(f, 0x9); // the restore was queued all the same and proceeds
        } finally {
            cluster.setParam("policy", "-NBR");
        }
        assertArrayEquals(TestFiles.content("f", 1000), TestFiles.read(f));
    }

    @Test
    void test_13_recursively_import_and_restore_a_directory() throws Exception {
        String[] names = {"a/1", "a/2", "a/b/3", "c/4", "5"};
        List<String> args = new ArrayList<>(List.of("hsm_restore"));
        for (String name : names) {
            args.add(imported(name, 10_000 + name.length()).toString());
        }
        cluster.lfs(args.toArray(String[]::new)).out();
        for (String name : names) {
            Path f = dir.resolve(name);
            cluster.awaitFlags(f, 0x9);
            assertArrayEquals(TestFiles.content(name, 10_000 + name.length()), TestFiles.read(f));
        }
    }

    @Test
    void test_20_release_is_not_permitted() throws Exception {
        Path f = file("f", 100);
        assertFails(cluster.lfs("hsm_release", f.toString()), "Operation not permitted");
        assertEquals(0, cluster.flags(f));
        Path g = archived("g", 100);
        cluster.lfs("hsm_set", "--norelease", g.toString()).out();
        assertFails(cluster.lfs("hsm_release", g.toString()), "Operation not permitted");
        cluster.lfs("hsm_clear", "--norelease", g.toString()).out();
        Files.write(g, new byte[] {9}, java.nio.file.StandardOpenOption.APPEND);
        assertFails(cluster.lfs("hsm_release", g.toString()), "Operation not permitted");
        assertEquals(0xb, cluster.flags(g));
    }

    @Test
    void test_21_simple_release_tests() throws Exception {
        Path f = archived("f", 1_000_000);
        long mtime = Files.getLastModifiedTime(f).toMillis();
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(0xd, cluster.flags(f));
        assertEquals(1_000_000, Files.size(f), "a released file keeps its size");
        assertEquals(1L, cluster.blocks(f), "and stats one block");
        assertEquals(mtime, Files.getLastModifiedTime(f).toMillis());
        cluster.lfs("hsm_release", f.toString()).out(); // releasing a released file succeeds
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void test_24c_check_that_user_group_other_request_masks_work() throws Exception {
        Path mine = file("mine", 100);
        chown(mine, NOBODY);
        Path others = file("others", 100);
        try {
            assertFails(cluster.lfsAs(NOBODY, "hsm_archive", mine.toString()), "Operation not permitted");
            cluster.setParam("user_request_mask", "ARCHIVE RESTORE");
            cluster.lfsAs(NOBODY, "hsm_archive", mine.toString()).out();
            cluster.awaitFlags(mine, 0x9);
            assertFails(cluster.lfsAs(NOBODY, "hsm_archive", others.toString()), "Operation not permitted");
            cluster.setParam("other_request_mask", "ARCHIVE RESTORE");
            cluster.lfsAs(NOBODY, "hsm_archive", others.toString()).out();
            cluster.awaitFlags(others, 0x9);
        } finally {
            cluster.setParam("user_request_mask", "RESTORE");
            cluster.setParam("other_request_mask", "RESTORE");
        }
    }

    @Test
    void test_26A_remove_the_archive_of_a_valid_file() {
        Path f = archived("f", 1000);
        Path copy = cluster.archiveCopy(cluster.fid(f));
        assertTrue(Files.exists(copy));
        cluster.lfs("hsm_remove", f.toString()).out();
        cluster.awaitFlags(f, 0x0);
        assertFalse(Files.exists(copy), "the copytool removed the archive copy");
    }

    @Test
    void test_26a_remove_archive_on_last_unlink_policy() throws Exception {
        Path f = archived("f", 1000);
        String fid = cluster.fid(f);
        Path copy = cluster.archiveCopy(fid);
        Path g = archived("g", 1000);
        Path gcopy = cluster.archiveCopy(cluster.fid(g));
        cluster.setParam("remove_archive_on_last_unlink", "1");
        try {
            Files.delete(f);
            cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
            assertFalse(Files.exists(copy), "archive copy removed with the last link");
        } finally {
            cluster.setParam("remove_archive_on_last_unlink", "0");
        }
        Files.delete(g);
        assertTrue(Files.exists(gcopy), "policy off: the archive copy stays");
    }

    @Test
    void test_27a_remove_the_archive_of_an_imported_file() throws Exception {
        Path f = imported("f", 1000);
        assertFails(cluster.lfs("hsm_remove", f.toString()), "Operation not permitted");
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void test_27b_remove_the_archive_of_a_released_file() {
        Path f = released("f", 1000);
        assertFails(cluster.lfs("hsm_remove", f.toString()), "Operation not permitted");
        assertEquals(0xd, cluster.flags(f));
    }

    /**
     * sanity-hsm's "copytool import $fid $file" after "rm $file": the archive copy of a removed file imported back
     * at the same path, as a released stub with a new FID.
     */
    private Path archivedRemovedAndImported(String name, int size) throws Exception {
        Path f = archived(name, size);
        Path copy = cluster.archiveCopy(cluster.fid(f));
        Files.delete(f);
        CommandResult r = runCopytoolImport(cluster.hsmRoot().relativize(copy).toString(), f);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(0xd, cluster.flags(f), "imported: released exists archived");
        return f;
    }

    /**
     * Reads each file readersPerFile times in parallel (sanity-hsm starts a cat per read), the first 64 readers
     * released together by one gate and the rest as threads free up; fails on a wrong or failed read.
     */
    private static void readAllAtOnce(List<Path> files, int readersPerFile, int size) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(64, files.size() * readersPerFile));
        CountDownLatch gate = new CountDownLatch(1);
        try {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (Path f : files) {
                for (int i = 0; i < readersPerFile; i++) {
                    reads.add(pool.submit(() -> {
                        gate.await();
                        return TestFiles.readOrThrow(f);
                    }));
                }
            }
            gate.countDown();
            for (int i = 0; i < reads.size(); i++) {
                Path f = files.get(i / readersPerFile);
                assertArrayEquals(TestFiles.content(f.getFileName().toString(), size),
                        reads.get(i).get(120, TimeUnit.SECONDS), "reader " + i + " of " + f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** sanity-hsm 12t: 32 cat of one imported file at once; every one reads it (the first blocks on a restore). */
    @Test
    void test_12t_multiple_parallel_reads_for_a_hsm_imported_file() throws Exception {
        Path f = archivedRemovedAndImported("f", 4096);
        readAllAtOnce(List.of(f), 32, 4096);
        assertEquals(0x9, cluster.flags(f), "restored");
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(f), "RESTORE"),
                "one restore for all readers");
    }

    /** sanity-hsm 12u: 10 imported files, 32 readers each, all at once. */
    @Test
    void test_12u_multiple_reads_on_multiple_hsm_imported_files_in_parallel() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            files.add(archivedRemovedAndImported("f." + i, 4096));
        }
        readAllAtOnce(files, 32, 4096);
        for (Path f : files) {
            assertEquals(0x9, cluster.flags(f), f + " restored");
            assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(f), "RESTORE"), f.toString());
        }
    }

    /**
     * sanity-hsm 29a: with --mntpath the items are FIDs, never looked up. A FID with a version on a normal sequence is
     * not one the MDT takes (fid_is_sane, mdt_hsm_cdt_client.c hal_is_sane): EINVAL; a path is not a FID at all and
     * lfs says so (lfs.c fill_hur_item) before sending anything.
     */
    @Test
    void test_29a_tests_mntpath_and_archive_options() {
        String mnt = cluster.mount().toString();
        CommandResult bad = cluster.lfs("hsm_remove", "-m", mnt, "-a", "33", "0x857765760:0x8:0x2");
        assertNotEquals(0, bad.exitCode(), bad.toString());
        assertTrue(bad.stderr().contains("Invalid argument"), bad.toString());
        CommandResult path = cluster.lfs("hsm_remove", "--mntpath", mnt, "--archive", "30", "/qwerty/uyt");
        assertNotEquals(0, path.exitCode(), path.toString());
        assertTrue(path.stderr().contains("hsm: '/qwerty/uyt' is not a valid FID"), path.toString());
    }

    /** sanity-hsm 29b: archive, rm, then hsm_remove by FID through the mount: the archive copy goes. */
    @Test
    void test_29b_archive_delete_remove_by_fid_from_the_archive() throws Exception {
        Path f = file("f", 1000);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", "--archive", "2", f.toString()).out();
        cluster.awaitActionStatus(fid, "ARCHIVE", "SUCCEED");
        Path copy = cluster.archiveCopy(fid);
        assertTrue(Files.exists(copy), copy.toString());
        Files.delete(f);
        cluster.lfs("hsm_remove", "-m", cluster.mount().toString(), "-a", "2", fid).out();
        cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
        assertFalse(Files.exists(copy), "archive copy removed");
    }

    /** sanity-hsm 29c: as 29b for three files, their FIDs given in a file list. */
    @Test
    void test_29c_archive_delete_remove_by_fid_using_a_file_list() throws Exception {
        List<Path> files = List.of(file("f-1", 1000), file("f-2", 1000), file("f-3", 1000));
        List<String> fids = files.stream().map(cluster::fid).toList();
        List<String> archive = new ArrayList<>(List.of("hsm_archive", "--archive", "2"));
        files.forEach(f -> archive.add(f.toString()));
        cluster.lfs(archive.toArray(String[]::new)).out();
        for (String fid : fids) {
            cluster.awaitActionStatus(fid, "ARCHIVE", "SUCCEED");
        }
        for (Path f : files) {
            Files.delete(f);
        }
        Path list = dir.resolve("list");
        Files.write(list, fids);
        cluster.lfs("hsm_remove", "-m", cluster.mount().toString(), "-a", "2", "--filelist", list.toString()).out();
        for (String fid : fids) {
            cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
            assertFalse(Files.exists(cluster.archiveCopy(fid)), fid);
        }
    }

    @Test
    void test_29d_hsm_remove_by_fid_with_archive_id_0_for_unlinked_file() throws Exception {
        Path f = archived("f", 1000);
        String fid = cluster.fid(f);
        Path copy = cluster.archiveCopy(fid);
        Files.delete(f);
        cluster.lfs("hsm_remove", "--mntpath", cluster.mount().toString(), "-a", "0", fid).out();
        cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
        assertFalse(Files.exists(copy), "archive copy of the unlinked file removed");
    }

    @Test
    void test_40_parallel_archive_requests() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            files.add(file("f" + i, 50_000));
        }
        List<CompletableFuture<CommandResult>> runs = files.stream()
                .map(f -> CompletableFuture.supplyAsync(() -> cluster.lfs("hsm_archive", f.toString()))).toList();
        runs.forEach(r -> r.join().out());
        for (Path f : files) {
            cluster.awaitFlags(f, 0x9);
            assertArrayEquals(TestFiles.read(f), TestFiles.read(cluster.archiveCopy(cluster.fid(f))));
        }
    }

    @Test
    void test_50_archive_with_hard_link() throws Exception {
        Path f = file("f", 1000);
        Path link = dir.resolve("link");
        Files.createLink(link, f);
        assertEquals(cluster.fid(f), cluster.fid(link), "both names are one file");
        cluster.lfs("hsm_archive", link.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertEquals(0x9, cluster.flags(link));
    }

    @Test
    void test_100_set_coordinator_tunables() {
        String[][] values = {{"max_requests", "7"}, {"grace_delay", "33"}, {"default_archive_id", "4"},
            {"remove_archive_on_last_unlink", "1"}};
        for (String[] v : values) {
            String before = cluster.getParam(v[0]).trim();
            CommandResult set = cluster.lctl("set_param", "mdt.*.hsm." + v[0] + "=" + v[1]);
            assertEquals("mdt." + cluster.mdt() + ".hsm." + v[0] + "=" + v[1] + "\n", set.out());
            assertEquals("mdt." + cluster.mdt() + ".hsm." + v[0] + "=" + v[1] + "\n",
                    cluster.lctl("get_param", "mdt.*.hsm." + v[0]).out());
            cluster.setParam(v[0], before);
        }
        assertNotEquals(0, cluster.lctl("set_param", "mdt.*.hsm.max_requests=-1").exitCode());
        assertEquals("3", cluster.getParam("max_requests").trim());
        assertEquals("[NRA] NBR", cluster.getParam("policy").trim());
        assertEquals("enabled", cluster.getParam("hsm_control").trim());
    }

    @Test
    void test_104_copytool_data_field() {
        Path f = file("f", 100);
        cluster.lfs("hsm_archive", "--data", "COPYTOOL", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        String fid = cluster.fid(f);
        String line = cluster.getParam("actions").lines().filter(l -> l.contains("fid=" + fid + " "))
                .findFirst().orElseThrow();
        assertTrue(line.contains(" datalen=8 ") && line.endsWith("data=[434F5059544F4F4C]"), line);
    }

    @Test
    void test_114_incompatible_request_does_not_set_hsm_flags() {
        Path ok = file("ok", 100);
        Path forbidden = file("forbidden", 100);
        cluster.lfs("hsm_set", "--noarchive", forbidden.toString()).out();
        assertFails(cluster.lfs("hsm_archive", ok.toString(), forbidden.toString()), "Operation not permitted");
        assertEquals(0, cluster.flags(ok), "the whole request failed: nothing dispatched for the compatible file");
        assertEquals(List.of(), cluster.actionStatuses(cluster.fid(ok), "ARCHIVE"));
        assertEquals(0x20, cluster.flags(forbidden));
    }

    @Test
    void test_254_request_counters() {
        String before = cluster.getParam("agents");
        int ok = counter(before, "ok");
        Path f = archived("f", 100);
        cluster.lfs("hsm_release", f.toString()).out();
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        String after = cluster.getParam("agents");
        assertEquals(ok + 2, counter(after, "ok"), after);
        assertEquals(0, counter(after, "current"), after);
        assertEquals(0, counter(after, "errors"), after);
    }

    private static int counter(String agents, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + ":(\\d+)").matcher(agents);
        assertTrue(m.find(), agents);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void test_410_lfs_data_version_s_allows_release_after_hsm_set() {
        Path f = file("f", 1000);
        cluster.lfs("hsm_set", "--exists", "--archived", f.toString()).out();
        assertEquals(0x9, cluster.flags(f));
        assertFails(cluster.lfs("hsm_release", f.toString()), "Operation not permitted");
        cluster.lfs("data_version", "-s", f.toString()).out();
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void fid_commands_round_trip() {
        Path f = file("f", 10);
        String fid = cluster.fid(f);
        assertTrue(fid.matches("\\[0x[0-9a-f]+:0x[0-9a-f]+:0x0\\]"), fid);
        assertEquals(f + "\n", cluster.lfs("fid2path", cluster.mount().toString(), fid).out());
        assertEquals(f + "\n", cluster.lfs("fid2path", cluster.fsname(), fid).out());
        assertEquals(fid + "\n", cluster.lfs("path2fid", cluster.mount().resolve(".lustre/fid/" + fid).toString()).out());
        assertArrayEquals(TestFiles.read(f), TestFiles.read(cluster.mount().resolve(".lustre/fid/" + fid)));
        assertFails(cluster.lfs("path2fid", "/proc/self/status"), "No such file or directory");
    }

    /**
     * llapi_path2fid opens its path O_PATH | O_NOFOLLOW (liblustreapi_fid.c): a symlink gives its own FID, every inode
     * having one, and never its target's; the calls that act on the file (hsm_state) follow it.
     */
    @Test
    void path2fid_of_a_symlink_is_the_symlinks_own() throws Exception {
        Path target = file("target", 10);
        Path link = java.nio.file.Files.createSymbolicLink(cluster.mount().resolve("link"), target.getFileName());
        Path dangling = java.nio.file.Files.createSymbolicLink(cluster.mount().resolve("dangling"), Path.of("nowhere"));
        String linkFid = cluster.fid(link);
        assertTrue(linkFid.matches("\\[0x[0-9a-f]+:0x[0-9a-f]+:0x0\\]"), linkFid);
        assertTrue(!linkFid.equals(cluster.fid(target)), "the link's FID is not its target's: " + linkFid);
        assertEquals(link + "\n", cluster.lfs("fid2path", cluster.mount().toString(), linkFid).out());
        assertTrue(cluster.fid(dangling).matches("\\[0x[0-9a-f]+:0x[0-9a-f]+:0x0\\]"), "a dangling link has one too");
    }
}

package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.Copytool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm tests of the client side with one fast copytool: dirty tracking (2, 3, 37, 52), timestamps across
 * release and restore (23, 24a), concurrent implicit restores (12s), truncate of released files (58),
 * remove_archive_on_last_unlink (26b-e), and ordinary tools on a mount with released files.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SanityHsmClientIT {
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
    }

    @AfterEach
    void restoreDefaults() {
        cluster.setParam("hsm_control", "enabled");
        cluster.setParam("remove_archive_on_last_unlink", "0");
    }

    private Path archived(String name, int size) {
        Path f = TestFiles.create(dir.resolve(name), size);
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

    /** A file that looks archived: EXISTS set by hand, as sanity-hsm does to test dirty tracking alone. */
    private Path existing(String name, int size) {
        Path f = TestFiles.create(dir.resolve(name), size);
        cluster.lfs("hsm_set", "--exists", f.toString()).out();
        assertEquals(0x1, cluster.flags(f));
        return f;
    }

    /** Runs a bash script in cwd with args as $1...; its stdout, or an assertion error with its stderr. */
    private static Output sh(Path cwd, String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "sh"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), script);
        return new Output(p.exitValue(), out, script);
    }

    private record Output(int exitCode, String text, String script) {
        String out() {
            assertEquals(0, exitCode, script + ": " + text);
            return text;
        }
    }

    @Test
    void test_2_check_file_dirty_flag_management() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), 0);
        assertEquals(0x0, cluster.flags(f), "new files are not dirty");
        cluster.lfs("hsm_set", "--exists", f.toString()).out();
        assertEquals(0x1, cluster.flags(f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertEquals(0x1, cluster.flags(f), "chmod does not make the file dirty");
        Files.setAttribute(f, "unix:uid", 65534);
        assertEquals(0x1, cluster.flags(f), "chown does not make the file dirty");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
        assertEquals(0x1, cluster.flags(f), "utimes does not make the file dirty");
        sh(dir, "truncate -s 1 \"$1\"", f.toString()).out();
        assertEquals(0x3, cluster.flags(f), "truncate makes the file dirty");
        cluster.lfs("hsm_clear", "--dirty", f.toString()).out();
        assertEquals(0x1, cluster.flags(f));
    }

    @Test
    void test_3_check_file_dirty_flag_management_with_open_and_close() throws Exception {
        Path f = existing("f", 1000);
        TestFiles.read(f);
        assertEquals(0x1, cluster.flags(f), "reading does not make the file dirty");
        FileChannel.open(f, StandardOpenOption.WRITE).close();
        assertEquals(0x1, cluster.flags(f), "open for write without writing does not make the file dirty");

        Path append = existing("f.append", 1000);
        sh(dir, "printf abc >> \"$1\"", append.toString()).out();
        assertEquals(0x3, cluster.flags(append), "append");

        Path modify = existing("f.modify", 1000);
        try (FileChannel ch = FileChannel.open(modify, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0}), 0);
        }
        assertEquals(0x3, cluster.flags(modify), "modify in place");

        Path trunc = existing("f.trunc", 1000);
        sh(dir, "cp /etc/hostname \"$1\"", trunc.toString()).out();
        assertEquals(0x3, cluster.flags(trunc), "open with O_TRUNC");

        Path mmap = existing("f.mmap", 1000);
        try (FileChannel ch = FileChannel.open(mmap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 1000);
            m.put(0, (byte) 42);
            m.force();
            unmap(m); // the mapping holds the open file: its close (FUSE release) comes with munmap
        }
        assertEquals(0x3, cluster.flags(mmap), "write through a shared mapping");
        assertEquals(42, TestFiles.read(mmap)[0]);
    }

    private static void unmap(MappedByteBuffer m) throws ReflectiveOperationException {
        java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        ((sun.misc.Unsafe) f.get(null)).invokeCleaner(m);
    }

    @Test
    void test_12s_race_between_restore_requests() throws Exception {
        Path f = released("f", 1_000_000);
        List<Process> readers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            readers.add(new ProcessBuilder("md5sum", f.toString()).start());
        }
        List<String> sums = new ArrayList<>();
        for (Process p : readers) {
            sums.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split(" ")[0]);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
        }
        String want = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(TestFiles.content("f", 1_000_000)));
        assertEquals(List.of(want), sums.stream().distinct().toList(), "every reader read the restored bytes");
        assertEquals(0x9, cluster.flags(f));
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(f), "RESTORE"), "one restore");
    }

    private record Times(FileTime atime, FileTime mtime) {
        static Times of(Path f) throws IOException {
            return new Times((FileTime) Files.getAttribute(f, "basic:lastAccessTime", LinkOption.NOFOLLOW_LINKS),
                    Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS));
        }
    }

    private Path withOldTimes(Path f) throws IOException {
        Files.setAttribute(f, "basic:lastAccessTime", FileTime.fromMillis(1_100_000_000_000L));
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
        return f;
    }

    @Test
    void test_23_release_does_not_change_a_mtime() throws Exception {
        Path f = withOldTimes(archived("f", 1000));
        Times before = Times.of(f);
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(before, Times.of(f));
    }

    @Test
    void test_24a_archive_release_and_restore_does_not_change_a_mtime() throws Exception {
        Path f = withOldTimes(TestFiles.create(dir.resolve("f"), 1000));
        Times before = Times.of(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertEquals(before, Times.of(f), "archive");
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(before, Times.of(f), "release");
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertEquals(before, Times.of(f), "restore");
        assertArrayEquals(TestFiles.content("f", 1000), TestFiles.read(f));
        assertEquals(before.mtime(), Times.of(f).mtime(), "implicit restore by a read");
    }

    /**
     * The MDT logs the REMOVE of the last unlink even with its coordinator stopped (mdt_lib.c:1169-1181); once the
     * coordinator is enabled and a copytool registers again (the stop forgot every agent), the copy goes.
     */
    @Test
    void test_26b_remove_archive_on_last_unlink_policy_when_cdt_off() throws Exception {
        cluster.setParam("remove_archive_on_last_unlink", "1");
        Path f = archived("f", 100);
        String fid = cluster.fid(f);
        cluster.setParam("hsm_control", "shutdown");
        assertEquals("stopped", cluster.getParam("hsm_control").trim());
        Files.delete(f); // the unlink works without a coordinator
        assertEquals(List.of("WAITING"), cluster.actionStatuses(fid, "REMOVE"), cluster.getParam("actions"));
        cluster.setParam("hsm_control", "enabled");
        // the copytool must register again
        copytool.stop();
        copytool = cluster.startPosixCopytool();
        cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
        assertFalse(Files.exists(cluster.archiveCopy(fid)));
    }

    @Test
    void test_26c_remove_archive_on_last_unlink_effective_when_file_closed() throws Exception {
        cluster.setParam("remove_archive_on_last_unlink", "1");
        Path f = archived("f", 100);
        String fid = cluster.fid(f);
        try (FileChannel open = FileChannel.open(f, StandardOpenOption.READ)) {
            Files.delete(f);
            assertFalse(Files.exists(f));
            try (var names = Files.list(dir)) {
                assertEquals(List.of(), names.toList(), "the open orphan is not listed");
            }
            assertEquals(List.of(), cluster.actionStatuses(fid, "REMOVE"), "no REMOVE while the file is open");
            assertEquals(100, open.read(ByteBuffer.allocate(200), 0), "the orphan still reads");
        }
        cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
        Cluster.await("archive copy removed", Duration.ofSeconds(10), () -> !Files.exists(cluster.archiveCopy(fid)));
        String unlink = cluster.lfs("changelog", cluster.mdt()).out();
        assertFalse(unlink.contains(".fuse_hidden"), unlink);
    }

    @Test
    void test_26d_remove_archive_on_last_unlink_when_the_opener_dies() throws Exception {
        cluster.setParam("remove_archive_on_last_unlink", "1");
        Path f = archived("f", 100);
        String fid = cluster.fid(f);
        Process holder = new ProcessBuilder("bash", "-c", "exec 3<\"$1\"; echo open; exec sleep 60", "sh",
                f.toString()).start();
        assertEquals('o', holder.getInputStream().read(), "the holder has the file open");
        Files.delete(f);
        assertEquals(List.of(), cluster.actionStatuses(fid, "REMOVE"));
        holder.destroyForcibly(); // Lustre's test evicts the client; here the process holding it dies
        assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
    }

    @Test
    void test_26e_remove_archive_on_last_unlink_with_hard_links() throws Exception {
        cluster.setParam("remove_archive_on_last_unlink", "1");
        Path f = archived("f", 100);
        String fid = cluster.fid(f);
        Path h = Files.createLink(dir.resolve("h"), f);
        Files.delete(f);
        Thread.sleep(200);
        assertEquals(List.of(), cluster.actionStatuses(fid, "REMOVE"), "another name is left");
        Files.delete(h);
        cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
    }

    @Test
    void test_37_re_archive_a_dirty_file() throws Exception {
        Path f = archived("f", 1000);
        Files.write(f, new byte[] {9}, StandardOpenOption.APPEND);
        assertEquals(0xb, cluster.flags(f), "exists dirty archived");
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        cluster.lfs("hsm_release", f.toString()).out();
        byte[] data = TestFiles.read(f);
        assertEquals(1001, data.length);
        assertEquals(9, data[1000], "the second archive holds the appended byte");
    }

    @Test
    void test_52_opened_for_write_file_whose_writer_dies_is_set_dirty() throws Exception {
        Path f = archived("f", 100);
        Process writer = new ProcessBuilder("bash", "-c", "exec 3>>\"$1\"; printf x >&3; echo written; exec sleep 60",
                "sh", f.toString()).start();
        assertEquals('w', writer.getInputStream().read());
        assertEquals(0x9, cluster.flags(f), "dirty is set on close, not on write");
        writer.destroyForcibly(); // Lustre's test evicts the writer's client: its open file is closed
        assertTrue(writer.waitFor(10, TimeUnit.SECONDS));
        cluster.awaitFlags(f, 0xb);
    }

    @Test
    void test_58_truncate_a_released_file_will_trigger_restore() throws Exception {
        int size = 10_000;
        byte[] content = TestFiles.content("smaller", size);
        Path smaller = released("smaller", size);
        sh(dir, "truncate -s 5000 \"$1\"", smaller.toString()).out();
        assertArrayEquals(Arrays.copyOf(content, 5000), TestFiles.read(smaller));
        assertEquals(0xb, cluster.flags(smaller), "restored, then made dirty by the truncate");

        Path larger = released("larger", size);
        sh(dir, "truncate -s 20000 \"$1\"", larger.toString()).out();
        assertArrayEquals(Arrays.copyOf(TestFiles.content("larger", size), 20000), TestFiles.read(larger));
        assertEquals(0xb, cluster.flags(larger));

        Path empty = released("empty", size);
        sh(dir, "truncate -s 0 \"$1\"", empty.toString()).out();
        assertEquals(0, Files.size(empty));
        assertEquals(0xb, cluster.flags(empty));
    }

    @Test
    void fallocate_and_mmap_access_of_released_files_restore_them() throws Exception {
        Path grown = released("grown", 10_000);
        sh(dir, "fallocate -l 20000 \"$1\"", grown.toString()).out();
        assertArrayEquals(Arrays.copyOf(TestFiles.content("grown", 10_000), 20_000), TestFiles.read(grown));
        assertEquals(0xb, cluster.flags(grown), "restored, then grown");

        Path punched = released("punched", 10_000);
        sh(dir, "fallocate -p -o 0 -l 100 \"$1\"", punched.toString()).out();
        byte[] want = TestFiles.content("punched", 10_000);
        Arrays.fill(want, 0, 100, (byte) 0);
        assertArrayEquals(want, TestFiles.read(punched));
        assertEquals(0xb, cluster.flags(punched));

        Path mapped = released("mapped", 10_000);
        try (FileChannel ch = FileChannel.open(mapped, StandardOpenOption.READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, 10_000);
            assertEquals(TestFiles.content("mapped", 10_000)[9_999], m.get(9_999), "a page fault restores");
            unmap(m);
        }
        assertEquals(0x9, cluster.flags(mapped), "reading through a mapping leaves it clean");
    }

    @Test
    void ordinary_tools_read_released_files() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/sub"));
        List<Path> files = List.of(released("src/a", 70_000), released("src/sub/b", 1000), released("src/sub/c", 0));
        assertEquals("3\n", sh(dir, "find src -type f | wc -l").out(), "find walks released files");
        sh(dir, "cp -a src copy && tar cf src.tar src && mkdir untar && tar xf src.tar -C untar").out();
        sh(dir, "cat src/a > a.cat && md5sum src/a src/sub/b > sums && md5sum -c sums").out();
        for (Path f : files) {
            String rel = dir.relativize(f).toString();
            byte[] want = TestFiles.content(f.getFileName().toString(), (int) Files.size(f));
            assertArrayEquals(want, TestFiles.read(dir.resolve("copy").resolve(dir.resolve("src").relativize(f))),
                    "cp " + rel);
            assertArrayEquals(want, TestFiles.read(dir.resolve("untar").resolve(rel)), "tar " + rel);
        }
        assertArrayEquals(TestFiles.content("a", 70_000), TestFiles.read(dir.resolve("a.cat")));
        if (Files.isExecutable(Path.of("/usr/bin/rsync"))) {
            sh(dir, "rsync -a src/ rsynced/").out();
            assertArrayEquals(TestFiles.content("a", 70_000), TestFiles.read(dir.resolve("rsynced/a")));
        }
        assertTrue(Files.isDirectory(src));
    }
}

package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.Copytool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm tests that need an action to be running while they act: the class's copytool moves 1 MB/s, reports
 * progress every second, and holds every copy at its gate (sanity-hsm relies on the bandwidth alone, which a loaded
 * machine outruns). Each test starts with the gate at one chunk: a copy moves its first 64 KiB and waits, running,
 * until the test {@linkplain #openGate opens the gate}.
 */
@ExtendWith(ClusterExtension.class)
class SanityHsmSlowCopytoolIT {
    private static final int SIZE = 3_000_000;
    private static final int CHUNK = 65536;
    private static final Pattern BYTES_MOVED = Pattern.compile("running \\((\\d+) bytes moved\\)");

    private static Cluster cluster;
    private static Copytool copytool;
    private static Path gate;
    private Path dir;

    @BeforeAll
    static void startCopytool(Cluster c) {
        cluster = c;
        gate = c.root().resolve("copy-gate");
        copytool = c.startPosixCopytool("--bandwidth", "1", "--update-interval", "1", "--chunk-size",
                Integer.toString(CHUNK), "--gate", gate.toString());
        c.registerChangelogUser(c.mdt()); // for 221 and 223
    }

    @BeforeEach
    void testDirectory(TestInfo info) throws Exception {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
        holdCopiesAt(CHUNK);
    }

    /** From now on no copy goes past byte {@code offset} until the gate moves or opens. */
    private static void holdCopiesAt(long offset) throws Exception {
        Path next = gate.resolveSibling("copy-gate.new");
        Files.writeString(next, Long.toString(offset));
        Files.move(next, gate, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Lets every copy run to its end. */
    private static void openGate() throws Exception {
        Files.deleteIfExists(gate);
    }

    @AfterEach
    void nothingLeftRunning() throws Exception {
        openGate();
        Cluster.await("no active request", Duration.ofSeconds(30), () -> cluster.getParam("active_requests").isBlank());
        assertTrue(copytool.isAlive(), copytool.log());
    }

    private void awaitRunning(Path f, String action) {
        Cluster.await(action + " running on " + f, Duration.ofSeconds(20),
                () -> cluster.lfs("hsm_action", f.toString()).out().contains(action + " running"));
    }

    private Path archivedAndReleased(String name) throws Exception {
        Path f = TestFiles.create(dir.resolve(name), SIZE);
        openGate();
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        cluster.lfs("hsm_release", f.toString()).out();
        holdCopiesAt(CHUNK);
        return f;
    }

    @Test
    void test_31_restore_of_a_large_file_stats_full_size_while_it_runs() throws Exception {
        Path f = archivedAndReleased("f");
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        assertEquals(SIZE, Files.size(f), "size while restoring");
        openGate();
        cluster.awaitFlags(f, 0x9);
        assertEquals(SIZE, Files.size(f));
        assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(f));
    }

    @Test
    void test_34_remove_file_during_restore() throws Exception {
        Path f = archivedAndReleased("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        Files.delete(f);
        assertFalse(Files.exists(f));
        openGate();
        Cluster.await("restore of a removed file ended", Duration.ofSeconds(20),
                () -> cluster.actionStatuses(fid, "RESTORE").stream()
                        .noneMatch(st -> st.equals("WAITING") || st.equals("STARTED")));
    }

    @Test
    void test_35_overwrite_file_during_restore() throws Exception {
        Path f = archivedAndReleased("f");
        String fid = cluster.fid(f);
        Path other = TestFiles.create(dir.resolve("other"), 1000);
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        Files.move(other, f, StandardCopyOption.ATOMIC_MOVE);
        assertArrayEquals(TestFiles.content("other", 1000), TestFiles.read(f), "the new file, at once");
        openGate();
        Cluster.await("restore of the overwritten file ended", Duration.ofSeconds(20),
                () -> cluster.actionStatuses(fid, "RESTORE").stream()
                        .noneMatch(st -> st.equals("WAITING") || st.equals("STARTED")));
        assertArrayEquals(TestFiles.content("other", 1000), TestFiles.read(f));
    }

    @Test
    void test_36_move_file_during_restore() throws Exception {
        Path f = archivedAndReleased("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        Path moved = dir.resolve("moved");
        Files.move(f, moved, StandardCopyOption.ATOMIC_MOVE);
        openGate();
        cluster.awaitActionStatus(fid, "RESTORE", "SUCCEED");
        assertEquals(0x9, cluster.flags(moved));
        assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(moved));
    }

    @Test
    void test_56_setattr_during_an_archive_is_ok() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(f, "unix:uid", 65534);
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
        openGate();
        cluster.awaitActionStatus(fid, "ARCHIVE", "SUCCEED");
        assertEquals(0x9, cluster.flags(f), "metadata changes leave the archive valid");
    }

    /** The flags of every CL_HSM record about fid, from lfs changelog. */
    private List<String> hsmFlags(String fid) {
        return cluster.lfs("changelog", cluster.mdt()).out().lines()
                .filter(l -> l.contains(" 16HSM ") && l.contains(" t=" + fid)).map(l -> l.split("\\s+")[4]).toList();
    }

    @Test
    void test_221_changelog_for_archive_canceled() {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        cluster.lfs("hsm_cancel", f.toString()).out();
        cluster.awaitActionStatus(fid, "ARCHIVE", "CANCELED");
        Cluster.await("CL_HSM of the canceled archive", Duration.ofSeconds(20),
                () -> hsmFlags(fid).contains("0x7d"), () -> "CL_HSM flags " + hsmFlags(fid));
    }

    /** sanity-hsm's copy2archive + "copytool import" of a SIZE file: a released stub whose restore takes a while. */
    private Path imported(String name) {
        Path f = cluster.importArchiveCopy(dir.getFileName() + "-" + name, TestFiles.content(name, SIZE),
                dir.resolve(name));
        assertEquals(0xd, cluster.flags(f), "imported: released exists archived");
        return f;
    }

    /**
     * sanity-hsm 222c: a restore sent to a suspended copytool, of a file unlinked meanwhile, fails with ENOENT once the
     * copytool goes on (the coordinator finds the object removed): HE_RESTORE|ENOENT, 0x82.
     */
    @Test
    void test_222c_changelog_for_failed_explicit_restore() throws Exception {
        Path f = imported("f");
        String fid = cluster.fid(f);
        openGate(); // the copy must reach the coordinator's end, which finds the file gone
        copytool.suspend();
        try {
            cluster.lfs("hsm_restore", f.toString()).out();
            cluster.awaitActionStatus(fid, "RESTORE", "STARTED");
            Files.delete(f);
        } finally {
            copytool.resume();
        }
        cluster.awaitActionStatus(fid, "RESTORE", "FAILED");
        Cluster.await("CL_HSM of the failed restore", Duration.ofSeconds(20),
                () -> hsmFlags(fid).contains("0x82"), () -> "CL_HSM flags " + hsmFlags(fid));
    }

    /**
     * sanity-hsm 223a: a running restore of an imported file canceled: HE_RESTORE|ECANCELED, 0xfd (the agent's end
     * logs the request's own event, mdt_coordinator.c hsm_cdt_request_completed).
     */
    @Test
    void test_223a_changelog_for_restore_canceled_import_case() {
        Path f = imported("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        cluster.lfs("hsm_cancel", f.toString()).out();
        cluster.awaitActionStatus(fid, "RESTORE", "CANCELED");
        Cluster.await("CL_HSM of the canceled restore", Duration.ofSeconds(20),
                () -> hsmFlags(fid).contains("0xfd"), () -> "CL_HSM flags " + hsmFlags(fid));
        assertEquals(0xd, cluster.flags(f));
    }

    /** sanity-hsm 223b: as 223a for a file archived and released through Lustre. */
    @Test
    void test_223b_changelog_for_restore_canceled_release_case() throws Exception {
        Path f = archivedAndReleased("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        cluster.lfs("hsm_cancel", f.toString()).out();
        cluster.awaitActionStatus(fid, "RESTORE", "CANCELED");
        Cluster.await("CL_HSM of the canceled restore", Duration.ofSeconds(20),
                () -> hsmFlags(fid).contains("0xfd"), () -> "CL_HSM flags " + hsmFlags(fid));
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void test_28_concurrent_archive_file_remove() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        Files.delete(f);
        openGate();
        cluster.awaitActionStatus(fid, "ARCHIVE", "FAILED");
        assertTrue(cluster.getParam("agents").contains("current:0"), cluster.getParam("agents"));
    }

    @Test
    void test_54_write_during_an_archive_cancels_it() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        Files.write(f, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        openGate();
        cluster.awaitActionStatus(fid, "ARCHIVE", "FAILED");
        assertEquals(0x3, cluster.flags(f), "exists dirty");
    }

    @Test
    void test_55_truncate_during_an_archive_cancels_it() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(SIZE / 2);
        }
        openGate();
        cluster.awaitActionStatus(fid, "ARCHIVE", "FAILED");
        assertEquals(0x3, cluster.flags(f), "exists dirty");
    }

    @Test
    void test_60_changing_progress_update_interval_from_default() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        awaitBytesMoved(f, CHUNK); // held at the gate: the progress of the first chunk reaches the coordinator
        holdCopiesAt(3L * CHUNK);
        awaitBytesMoved(f, 3L * CHUNK); // and each later update adds what was copied since
        openGate();
        cluster.awaitFlags(f, 0x9);
    }

    private void awaitBytesMoved(Path f, long bytes) {
        String[] last = {""};
        Cluster.await(bytes + " bytes moved on " + f, Duration.ofSeconds(30), () -> {
            last[0] = cluster.lfs("hsm_action", f.toString()).out();
            Matcher m = BYTES_MOVED.matcher(last[0]);
            return m.find() && Long.parseLong(m.group(1)) == bytes;
        }, () -> "lfs hsm_action: " + last[0]);
    }

    @Test
    void test_109_output_of_hsm_action() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        assertEquals(f + ": NOOP\n", cluster.lfs("hsm_action", f.toString()).out());
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        assertTrue(cluster.lfs("hsm_action", f.toString()).out()
                .matches(Pattern.quote(f.toString()) + ": ARCHIVE running \\(\\d+ bytes moved\\)\n"));
        openGate();
        cluster.awaitFlags(f, 0x9);
        assertEquals(f + ": NOOP\n", cluster.lfs("hsm_action", f.toString()).out());
    }

    @Test
    void test_200_register_cancel_archive() {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        cluster.lfs("hsm_cancel", f.toString()).out();
        cluster.awaitActionStatus(fid, "CANCEL", "SUCCEED");
        cluster.awaitActionStatus(fid, "ARCHIVE", "CANCELED");
        Cluster.await("copytool stopped the copy", Duration.ofSeconds(20),
                () -> copytool.log().contains("ARCHIVE " + fid + " done: Operation canceled"));
        assertEquals(0, cluster.flags(f) & 0x8, "not archived");
    }

    @Test
    void test_201_register_cancel_restore() throws Exception {
        Path f = archivedAndReleased("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        cluster.lfs("hsm_cancel", f.toString()).out();
        cluster.awaitActionStatus(fid, "RESTORE", "CANCELED");
        Cluster.await("copytool stopped the copy", Duration.ofSeconds(20),
                () -> copytool.log().contains("RESTORE " + fid + " done: Operation canceled"));
        assertEquals(0xd, cluster.flags(f), "still released");
        openGate();
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(f));
        assertEquals(List.of("CANCELED", "SUCCEED"), cluster.actionStatuses(fid, "RESTORE"));
    }
}

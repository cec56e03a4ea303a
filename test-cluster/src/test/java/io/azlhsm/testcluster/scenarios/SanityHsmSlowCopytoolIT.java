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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm tests that need an action to be running for a while: the class's copytool moves 1 MB/s and reports
 * progress every second, so a 3 MB file takes about three seconds.
 */
@ExtendWith(ClusterExtension.class)
class SanityHsmSlowCopytoolIT {
    private static final int SIZE = 3_000_000;
    private static final Pattern BYTES_MOVED = Pattern.compile("running \\((\\d+) bytes moved\\)");

    private static Cluster cluster;
    private static Copytool copytool;
    private Path dir;

    @BeforeAll
    static void startCopytool(Cluster c) {
        cluster = c;
        copytool = c.startPosixCopytool("--bandwidth", "1", "--update-interval", "1", "--chunk-size", "65536");
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void nothingLeftRunning() {
        Cluster.await("no active request", Duration.ofSeconds(30), () -> cluster.getParam("active_requests").isBlank());
        assertTrue(copytool.isAlive(), copytool.log());
    }

    private void awaitRunning(Path f, String action) {
        Cluster.await(action + " running on " + f, Duration.ofSeconds(20),
                () -> cluster.lfs("hsm_action", f.toString()).out().contains(action + " running"));
    }

    private Path archivedAndReleased(String name) {
        Path f = TestFiles.create(dir.resolve(name), SIZE);
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        cluster.lfs("hsm_release", f.toString()).out();
        return f;
    }

    @Test
    void test_28_concurrent_archive_file_remove() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        Files.delete(f);
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
        cluster.awaitActionStatus(fid, "ARCHIVE", "FAILED");
        assertEquals(0x3, cluster.flags(f), "exists dirty");
    }

    @Test
    void test_60_changing_progress_update_interval_from_default() {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        long[] moved = new long[2];
        Cluster.await("progress reported", Duration.ofSeconds(20), () -> {
            Matcher m = BYTES_MOVED.matcher(cluster.lfs("hsm_action", f.toString()).out());
            if (m.find()) {
                long n = Long.parseLong(m.group(1));
                if (moved[0] == 0) {
                    moved[0] = n;
                } else if (n > moved[0]) {
                    moved[1] = n;
                    return true;
                }
            }
            return false;
        });
        assertTrue(moved[0] > 0 && moved[1] > moved[0] && moved[1] <= SIZE, moved[0] + " then " + moved[1]);
        cluster.awaitFlags(f, 0x9);
    }

    @Test
    void test_109_output_of_hsm_action() {
        Path f = TestFiles.create(dir.resolve("f"), SIZE);
        assertEquals(f + ": NOOP\n", cluster.lfs("hsm_action", f.toString()).out());
        cluster.lfs("hsm_archive", f.toString()).out();
        awaitRunning(f, "ARCHIVE");
        assertTrue(cluster.lfs("hsm_action", f.toString()).out()
                .matches(Pattern.quote(f.toString()) + ": ARCHIVE running \\(\\d+ bytes moved\\)\n"));
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
    void test_201_register_cancel_restore() {
        Path f = archivedAndReleased("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_restore", f.toString()).out();
        awaitRunning(f, "RESTORE");
        cluster.lfs("hsm_cancel", f.toString()).out();
        cluster.awaitActionStatus(fid, "RESTORE", "CANCELED");
        Cluster.await("copytool stopped the copy", Duration.ofSeconds(20),
                () -> copytool.log().contains("RESTORE " + fid + " done: Operation canceled"));
        assertEquals(0xd, cluster.flags(f), "still released");
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(f));
        assertEquals(List.of("CANCELED", "SUCCEED"), cluster.actionStatuses(fid, "RESTORE"));
    }
}

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * I/O blocked on an implicit restore, read by ordinary processes ({@code cat}): the waiting caller can be killed or
 * interrupted without wedging the mount, a restore that fails, is canceled or times out fails the read with EIO and
 * leaves the file released, the NBR policy fails it at once with ENODATA while the restore proceeds, and a lost file
 * cannot be read (sanity-hsm 25a, 25b).
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SanityHsmBlockedRestoreIT {
    private static final int SIZE = 100_000;
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
        cluster.setParam("hsm_control", "enabled");
        cluster.setParam("policy", "-NBR");
        cluster.setParam("active_request_timeout", "3600");
        cluster.setParam("loop_period", "10");
    }

    /** A file archived and released by a copytool that is gone again, so a restore of it waits. */
    private Path released(String name) {
        return released(name, SIZE);
    }

    private Path released(String name, int size) {
        Path f = TestFiles.create(dir.resolve(name), size);
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.lfs("hsm_archive", f.toString()).out();
            cluster.awaitFlags(f, 0x9);
        }
        Cluster.await("no agent", Duration.ofSeconds(10), () -> cluster.agentCount() == 0);
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals(0xd, cluster.flags(f));
        return f;
    }

    /**
     * A reader with SIGINT at its default, as at a terminal: a process started in the background by a
     * non-interactive shell (CI, nohup, {@code cmd &}) ignores SIGINT, and children inherit that.
     */
    private static Process cat(Path f) throws IOException {
        return new ProcessBuilder("env", "--default-signal=INT", "cat", f.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String stderr(Process p) throws IOException {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private void awaitRestoreWaiting(Path f) {
        Cluster.await("implicit restore of " + f + " queued", Duration.ofSeconds(10),
                () -> cluster.lfs("hsm_action", f.toString()).out().contains("RESTORE waiting"));
    }

    /** The mount still answers while and after a reader gave up, and the restore goes on once an agent comes. */
    private void mountStillUsableAndRestoreGoesOn(Path f) throws Exception {
        Path other = TestFiles.create(dir.resolve("other"), 10);
        assertArrayEquals(TestFiles.content("other", 10), TestFiles.read(other));
        assertEquals(0xd, cluster.flags(f));
        assertTrue(cluster.lfs("hsm_action", f.toString()).out().contains("RESTORE waiting"),
                "the killed reader's restore is still queued");
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.awaitFlags(f, 0x9);
            assertArrayEquals(TestFiles.content(f.getFileName().toString(), SIZE), TestFiles.read(f));
        }
    }

    @Test
    void test_33_kill_a_restore_waiting_process() throws Exception {
        Path f = released("f");
        Process reader = cat(f);
        awaitRestoreWaiting(f);
        assertTrue(reader.isAlive(), "the reader waits for the restore");
        reader.destroyForcibly(); // SIGKILL
        assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "a killed reader ends while its restore waits");
        mountStillUsableAndRestoreGoesOn(f);
    }

    @Test
    void ctrl_c_interrupts_a_read_blocked_on_a_restore() throws Exception {
        Path f = released("f");
        Process reader = cat(f);
        awaitRestoreWaiting(f);
        new ProcessBuilder("kill", "-INT", Long.toString(reader.pid())).start().waitFor();
        assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "SIGINT ends the blocked reader");
        assertNotEquals(0, reader.exitValue());
        mountStillUsableAndRestoreGoesOn(f);
    }

    @Test
    void failed_restore_fails_the_blocked_read_with_eio_and_the_file_stays_released() throws Exception {
        Path f = released("f");
        try (Copytool ct = cluster.startPosixCopytool("--fail-with", "5")) {
            Process reader = cat(f);
            assertTrue(reader.waitFor(20, TimeUnit.SECONDS));
            assertNotEquals(0, reader.exitValue());
            assertTrue(stderr(reader).contains("Input/output error"));
        }
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void canceled_restore_fails_the_blocked_read_with_eio_and_the_file_stays_released() throws Exception {
        Path f = released("f");
        Process reader = cat(f);
        awaitRestoreWaiting(f);
        cluster.lfs("hsm_cancel", f.toString()).out();
        assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "the cancel ends the blocked read");
        assertNotEquals(0, reader.exitValue());
        assertTrue(stderr(reader).contains("Input/output error"));
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void timed_out_restore_fails_the_blocked_read_with_eio_and_the_file_stays_released() throws Exception {
        Path f = released("f", 3_000_000);
        cluster.setParam("loop_period", "1");
        cluster.setParam("active_request_timeout", "1");
        // held at 1 MB with no progress report (the gate holds it however fast the machine): the request times out
        Path gate = java.nio.file.Files.createTempFile(cluster.root(), "copy-gate", "");
        java.nio.file.Files.writeString(gate, "1000000");
        try (Copytool ct = cluster.startPosixCopytool("--gate", gate.toString(), "--update-interval", "60",
                "--chunk-size", "65536")) {
            Process reader = cat(f);
            assertTrue(reader.waitFor(20, TimeUnit.SECONDS), "the timeout ends the blocked read");
            assertNotEquals(0, reader.exitValue());
            assertTrue(stderr(reader).contains("Input/output error"));
            assertEquals(0xd, cluster.flags(f));
            cluster.awaitActionStatus(cluster.fid(f), "RESTORE", "CANCELED");
        }
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void test_110a_non_blocking_restore_after_import() throws Exception {
        Path f = imported("110a");
        assertNonBlockingRestore(f, TestFiles.content("110a", SIZE));
    }

    @Test
    void test_110b_non_blocking_restore_after_archive_release() throws Exception {
        Path f = released("f");
        assertNonBlockingRestore(f, TestFiles.content("f", SIZE));
    }

    /** Under NBR the read fails at once with ENODATA while the restore it triggered proceeds. */
    private void assertNonBlockingRestore(Path f, byte[] content) throws Exception {
        cluster.setParam("policy", "+NBR");
        Process reader = cat(f);
        assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "no blocking under NBR");
        assertTrue(stderr(reader).contains("No data available"));
        assertTrue(cluster.lfs("hsm_action", f.toString()).out().contains("RESTORE waiting"),
                "the restore was queued all the same");
        try (Copytool ct = cluster.startPosixCopytool()) {
            cluster.awaitFlags(f, 0x9);
        }
        assertArrayEquals(content, TestFiles.read(f));
    }

    @Test
    void test_103a_purge_pending_restore_requests() throws Exception {
        Path f = released("f");
        Process reader = cat(f);
        awaitRestoreWaiting(f);
        cluster.setParam("hsm_control", "purge");
        assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "a purge releases the blocked reader");
        assertTrue(stderr(reader).contains("Input/output error"));
        assertTrue(cluster.lfs("hsm_action", f.toString()).out().contains("NOOP"));
        assertEquals(0xd, cluster.flags(f));
    }

    @Test
    void two_readers_of_a_released_file_make_one_restore_record() throws Exception {
        Path f = released("f");
        cluster.setParam("hsm_control", "disabled");
        Process first;
        Process second;
        try {
            first = cat(f);
            second = cat(f);
            awaitRestoreWaiting(f);
            Thread.sleep(300); // let both readers reach the coordinator
            assertEquals(1, cluster.actionStatuses(cluster.fid(f), "RESTORE").size(),
                    "two readers, one RESTORE record:\n" + cluster.getParam("actions"));
        } finally {
            cluster.setParam("hsm_control", "enabled");
        }
        try (Copytool ct = cluster.startPosixCopytool()) {
            assertTrue(first.waitFor(20, TimeUnit.SECONDS) && second.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue());
            assertEquals(0, second.exitValue());
        }
        assertEquals(java.util.List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(f), "RESTORE"));
    }

    @Test
    void a_released_file_stats_and_its_io_fails_at_once_with_the_coordinator_stopped() throws Exception {
        Path f = released("f");
        cluster.setParam("hsm_control", "shutdown");
        try {
            assertEquals(SIZE, java.nio.file.Files.size(f), "stat needs no coordinator");
            Process reader = cat(f);
            assertTrue(reader.waitFor(10, TimeUnit.SECONDS), "I/O does not hang on a stopped coordinator");
            assertNotEquals(0, reader.exitValue());
        } finally {
            cluster.setParam("hsm_control", "enabled");
        }
        try (Copytool ct = cluster.startPosixCopytool()) {
            assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(f));
        }
    }

    /** A released stub made by the copytool's import from a file put into its archive (lhsmtool_posix -i). */
    private Path imported(String name) throws Exception {
        Path src = cluster.hsmRoot().resolve("import").resolve(name);
        java.nio.file.Files.createDirectories(src.getParent());
        java.nio.file.Files.write(src, TestFiles.content(name, SIZE));
        Path f = dir.resolve(name);
        Process p = new ProcessBuilder(io.azlhsm.testcluster.harness.TestClusterHome.directory()
                .resolve("bin/hsmsim-posix-copytool").toString(), "--hsm-root", cluster.hsmRoot().toString(),
                "--import", "import/" + name, f.toString(), cluster.mount().toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return f;
    }

    @Test
    void request_masks_apply_to_implicit_restores_of_non_root_callers() throws Exception {
        Path f = released("f");
        for (String mask : new String[] {"user_request_mask", "group_request_mask", "other_request_mask"}) {
            cluster.setParam(mask, "ARCHIVE");
        }
        try (Copytool ct = cluster.startPosixCopytool()) {
            Process nobody = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat",
                    f.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(nobody.waitFor(10, TimeUnit.SECONDS));
            assertTrue(stderr(nobody).contains("Operation not permitted"), "RESTORE is not in the masks");
            assertEquals(0xd, cluster.flags(f));
            assertArrayEquals(TestFiles.content("f", SIZE), TestFiles.read(f), "root may do anything");
        } finally {
            for (String mask : new String[] {"user_request_mask", "group_request_mask", "other_request_mask"}) {
                cluster.setParam(mask, "RESTORE");
            }
        }
    }

    @Test
    void test_25a_restore_lost_file_hs_lost_flag_from_import() throws Exception {
        Path f = imported("25a");
        cluster.lfs("hsm_set", "--lost", f.toString()).out();
        assertLostFileCannotBeRead(f);
    }

    @Test
    void test_25b_restore_lost_file_hs_lost_flag_after_release() throws Exception {
        Path f = released("f");
        cluster.lfs("hsm_set", "--lost", f.toString()).out();
        assertLostFileCannotBeRead(f);
    }

    private void assertLostFileCannotBeRead(Path f) throws Exception {
        assertEquals(0x4d, cluster.flags(f) & 0x4d);
        try (Copytool ct = cluster.startPosixCopytool()) {
            Process reader = cat(f);
            assertTrue(reader.waitFor(10, TimeUnit.SECONDS));
            assertNotEquals(0, reader.exitValue(), "lost file access should fail");
            assertTrue(cluster.lfs("hsm_action", f.toString()).out().contains("NOOP"), "no restore of a lost file");
        }
    }
}

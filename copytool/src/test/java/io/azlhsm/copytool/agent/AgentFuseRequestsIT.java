package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The FUSE requests the agent's own mount serves for one action, counted by the daemon ({@code cluster counters}):
 * each is a syscall into llite on Lustre, often an MDS RPC, and about 30 us of the simulator's CPU (test-cluster
 * README "Simulator CPU"). The test drives everything through a second mount, so the agent's mount serves the
 * agent alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentFuseRequestsIT {
    private static final Logger LOG = Logger.getLogger(AgentFuseRequestsIT.class.getName());
    private static final Duration SHORT = Duration.ofSeconds(60);
    private Cluster cluster;
    private AgentTestBed bed;
    private Path driver;

    @BeforeAll
    void start() throws Exception {
        cluster = Cluster.start();
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                archive.1.type = posix
                archive.1.root = %s
                """.formatted(cluster.root().resolve("posix-archive")));
        driver = cluster.addMount("driver");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRestoreReadsTheArchiveRecordOnce() throws Exception {
        Path dir = Files.createDirectories(driver.resolve("fuse-requests"));
        roundTrip(dir.resolve("warm-up.dat")); // the kernel learns .lustre and .lustre/fid once
        Map<String, Long> restore = roundTrip(dir.resolve("measured.dat"));
        // Before: the record was read before the begin for the saved layout and again after it to locate the blob.
        // One is that read; the kernel asks for security.capability at the volatile file's first write.
        assertEquals(2, restore.getOrDefault("fuse.GETXATTR", 0L), "GETXATTRs of one restore: " + restore);
    }

    @Test
    void aRestoreLooksTheFileUpOnce() throws Exception {
        Path dir = Files.createDirectories(driver.resolve("fuse-requests-lookups"));
        roundTrip(dir.resolve("warm-up.dat"));
        Map<String, Long> restore = roundTrip(dir.resolve("measured.dat"));
        // The volatile file's open by FID (libhsmsim's action begin), and the file's own: held by O_PATH, through
        // which its record, its size and, as it ends, its failure note are reached. Before, each of those three
        // named .lustre/fid/<FID>: four LOOKUPs. The kernel may still keep the file's FID entry from its archive
        // (a FID never names another object), which then saves the second.
        long lookups = restore.getOrDefault("fuse.LOOKUP", 0L);
        assertTrue(lookups >= 1 && lookups <= 2, "LOOKUPs of one restore: " + restore);
        assertEquals(1, restore.getOrDefault("fuse.OPEN", 0L), "only the volatile file is opened: " + restore);
    }

    @Test
    void aRestoreAsksItsMdtThroughTheRootDescriptorTheRegistrationKeeps() throws Exception {
        Path dir = Files.createDirectories(driver.resolve("fuse-requests-mdt"));
        roundTrip(dir.resolve("warm-up.dat"));
        Map<String, Long> restore = roundTrip(dir.resolve("measured.dat"));
        assertEquals(1, restore.getOrDefault("call.FID2MDT", 0L), "the MDT was asked for: " + restore);
        // Before: the root was opened and closed for each restore's llapi_get_mdt_index_by_fid.
        assertEquals(0, restore.getOrDefault("fuse.OPENDIR", 0L), "OPENDIRs of one restore: " + restore);
        assertEquals(0, restore.getOrDefault("fuse.RELEASEDIR", 0L), "RELEASEDIRs of one restore: " + restore);
    }

    @Test
    void aRestoreLooksItsPathUpOnlyForAMessage() throws Exception {
        Path dir = Files.createDirectories(driver.resolve("fuse-requests-path"));
        roundTrip(dir.resolve("warm-up.dat"));
        Map<String, Long> restore = roundTrip(dir.resolve("measured.dat"));
        assertEquals(1, restore.getOrDefault("fuse.SETXATTR", 0L), "the saved layout was set: " + restore);
        // Before: the saved layout's fsetxattr named the file for an error message it might give, by fid2path.
        assertEquals(0, restore.getOrDefault("call.FID2PATH", 0L), "fid2paths of one restore: " + restore);
    }

    @Test
    void anArchiveReadsAndWritesThroughItsDescriptor() throws Exception {
        Path dir = Files.createDirectories(driver.resolve("fuse-requests-archive"));
        roundTrip(dir.resolve("warm-up.dat"));
        Path file = dir.resolve("measured.dat");
        Map<String, Long> archive = archive(file);
        // One LOOKUP of .lustre/fid/<FID>: the action's open by FID. The file's size, owner and times, its record
        // (read before the copy), the new record and the failure note's removal as it ends go through the open
        // descriptor; before, each named .lustre/fid/<FID> again: 6 LOOKUPs and 4 GETATTRs, 22 requests in all,
        // then 17 with the note's removal by name (a second LOOKUP), 16, now 15 (the record created, not read again).
        assertEquals(1, archive.getOrDefault("fuse.LOOKUP", 0L), "LOOKUPs of one archive: " + archive);
        assertEquals(3, archive.getOrDefault("fuse.GETATTR", 0L), "GETATTRs of one archive: " + archive);
        assertEquals(1, archive.getOrDefault("fuse.SETXATTR", 0L), "the record was written: " + archive);
        String record = new String(ExtendedAttributes.get(file, ArchiveRecord.XATTR_NAME).orElseThrow(),
                StandardCharsets.UTF_8);
        assertTrue(record.contains("measured.dat"), "the record names the blob: " + record);
    }

    @Test
    void anArchiveAsksItsDataVersionsByIoctlOnItsDescriptor() throws Exception {
        Path dir = Files.createDirectories(driver.resolve("fuse-requests-data-version"));
        roundTrip(dir.resolve("warm-up.dat"));
        Map<String, Long> archive = archive(dir.resolve("measured.dat"));
        // Before the copy and before the commit, as liblustreapi asks: LL_IOC_DATA_VERSION on the open file, one
        // FUSE request each. Before, libhsmsim read the descriptor's trusted.lma and asked the daemon by FID: a
        // GETXATTR and a socket request each.
        assertEquals(2, archive.getOrDefault("fuse.IOCTL", 0L), "IOCTLs of one archive: " + archive);
        assertEquals(0, archive.getOrDefault("call.DATA_VERSION", 0L), "no daemon request for it: " + archive);
        // the record before the copy and the layout to save; a file without a record gets its record created
        // (XATTR_CREATE) where it was read again before being written
        assertEquals(2, archive.getOrDefault("fuse.GETXATTR", 0L), "GETXATTRs of one archive: " + archive);
    }

    /** Writes 1,000 bytes of its own to the file and archives it; returns the agent mount's requests meanwhile. */
    private Map<String, Long> archive(Path file) throws Exception {
        Files.write(file, contentOf(file));
        Map<String, Long> before = cluster.counters();
        lfs("hsm_archive", file);
        awaitFlags(file, AgentTestBed.ARCHIVED);
        Map<String, Long> archive = Cluster.difference(before, cluster.counters());
        LOG.info(file.getFileName() + " archive: " + archive);
        return archive;
    }

    private static byte[] contentOf(Path file) {
        byte[] data = new byte[1000];
        new java.util.Random(file.hashCode()).nextBytes(data);
        return data;
    }

    /** Archives, releases and restores the file; returns the agent mount's requests during the restore. */
    private Map<String, Long> roundTrip(Path file) throws Exception {
        archive(file);
        Map<String, Long> archived = cluster.counters();
        lfs("hsm_release", file);
        awaitFlags(file, AgentTestBed.RELEASED);
        Map<String, Long> released = cluster.counters();
        lfs("hsm_restore", file);
        awaitFlags(file, AgentTestBed.ARCHIVED);
        Map<String, Long> restored = cluster.counters();
        assertArrayEquals(contentOf(file), Files.readAllBytes(file));
        LOG.info(file.getFileName() + " release: " + Cluster.difference(archived, released) + "; restore: "
                + Cluster.difference(released, restored));
        return Cluster.difference(released, restored);
    }

    private void lfs(String command, Path file) {
        var result = cluster.lfs(command, file.toString());
        if (!result.ok()) {
            throw new AssertionError("lfs " + command + " " + file + " failed: " + result.stderr());
        }
    }

    private void awaitFlags(Path file, int flags) {
        Cluster.await("hsm flags 0x" + Integer.toHexString(flags) + " on " + file, SHORT,
                () -> cluster.flags(file) == flags);
    }
}

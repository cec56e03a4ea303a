package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The same round-trip suite with the posix backend (a directory tree, like lhsmtool_posix's archive). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosixAgentRoundTripIT extends AgentRoundTripSuite {
    private Cluster cluster;
    private AgentTestBed bed;
    private Path archiveRoot;

    @BeforeAll
    void start() throws Exception {
        cluster = Cluster.start();
        archiveRoot = cluster.root().resolve("posix-archive");
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                archive.1.type = posix
                archive.1.root = %s
                """.formatted(archiveRoot));
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
    void releaseAfterArchiveFreesTheDataOnceTheCopyIsVerified() throws Exception {
        Path secondMount = cluster.addMount("mnt-release");
        try (AgentTestBed releasing = AgentTestBed.start(cluster, secondMount, """
                archive.2.type = posix
                archive.2.root = %s
                archive.2.release_after_archive = true
                """.formatted(cluster.root().resolve("posix-archive-2")))) {
            Path file = bed.write("released/after.dat", 2 * CHUNK + 9);
            byte[] md5 = AgentTestBed.md5(file);
            bed.lfs("hsm_archive", java.util.List.of(file), "-a", "2");
            bed.awaitFlags(file, AgentTestBed.RELEASED, SHORT);
            assertArrayEquals(md5, AgentTestBed.md5(file)); // the read restores it
            assertEquals(AgentTestBed.ARCHIVED, cluster.flags(file));
        }
    }

    @Test
    void aSecondAgentOnTheSameMountIsRefusedWithAClearError() throws Exception {
        // Lustre would register it (and both would run every action): the agent's own mount lock refuses it
        MountLockException refused = assertThrows(MountLockException.class, () -> AgentTestBed.start(cluster,
                cluster.mount(), "archive.3.type = posix\narchive.3.root = " + archiveRoot.resolveSibling("third")));
        long self = ProcessHandle.current().pid();
        assertEquals(self, refused.holderPid().orElseThrow());
        assertTrue(refused.getMessage().contains("another copytool agent already serves this client mount on this"
                + " node: this process (PID " + self + ") already runs an agent on it"), refused.getMessage());
        assertEquals(1, cluster.agentCount(), cluster.getParam("agents"));
        assertEquals(AgentTestBed.ARCHIVED, archiveAndWait("still-served.dat"), "the first agent stopped serving");
    }

    private int archiveAndWait(String name) throws Exception {
        Path file = bed.write(name, 1000);
        bed.archive(file);
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        return cluster.flags(file);
    }

    @Override
    AgentTestBed bed() {
        return bed;
    }

    @Override
    ChecksumAlgorithm checksumAlgorithm() {
        return ChecksumAlgorithm.CRC32C;
    }

    @Override
    boolean archiveHas(String objectName) {
        return Files.exists(archiveRoot.resolve(objectName));
    }

    @Override
    long largeFileSize() {
        return 64L << 20; // the engine's multi-chunk path; the 300 MiB case runs against the product backend
    }
}

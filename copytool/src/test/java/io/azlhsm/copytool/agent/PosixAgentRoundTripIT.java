package io.azlhsm.copytool.agent;

import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    @Override
    AgentTestBed bed() {
        return bed;
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

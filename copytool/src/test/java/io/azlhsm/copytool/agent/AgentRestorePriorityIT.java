package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A restore is not kept waiting by archives at any queue between the coordinator and the wire: a small restore
 * requested while archives hold every request slot they may (their uploads held at a proxy, so the state is reached
 * whatever the machine's speed) ends while those archives are still held.
 *
 * <p>With {@code max_concurrency = 2}, archives get at most one request slot and at most one of the two starter
 * threads; the other slot and starter are the restore's. Before, both slots went to whichever requests came first (a
 * held archive's uploads), and both starters to small archives, so the restore waited for the archives to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentRestorePriorityIT {
    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CONTAINER = "priority";

    private Cluster cluster;
    private AzuriteServer azurite;
    private HoldingProxy proxy;
    private AgentTestBed bed;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        proxy = HoldingProxy.start(azurite);
        cluster = Cluster.start();
        // 2 request slots, 4 writers (more uploads than slots), 2 starters (min(in flight, max(2, readers, slots)))
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                pipeline.writers = 4
                pipeline.readers = 2
                archive.1.type = azure
                archive.1.container = %s
                archive.1.connection_string = %s
                archive.1.block_size = 1MiB
                archive.1.max_concurrency = 2
                """.formatted(CONTAINER, proxy.connectionString()));
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void aSmallRestoreEndsWhileALargeArchivesUploadsHoldTheRequestSlots() throws Exception {
        Path small = bed.write("large/small.bin", 64 * KIB);
        byte[] content = AgentTestBed.md5(small);
        archiveAndRelease(small);
        Path big = bed.write("large/big.bin", 16 * MIB);
        try (HoldingProxy.Hold uploads = proxy.hold("Put Blocks of large/big.bin",
                r -> r.isDataWrite() && r.isFor(CONTAINER, "large/big.bin"))) {
            bed.archive(big);
            // The archive has every request slot it may get: on the code before, both (two uploads held); now the one
            // archives may hold (one upload held, the next waiting for a slot).
            Cluster.await("the archive of " + big + " holding every request slot it may", WAIT,
                    () -> uploads.held() >= 2 || (uploads.held() >= 1 && gauge("requests_waiting_other") >= 1),
                    () -> uploads + ", gauges " + bed.agent.metrics().snapshot().gauges());
            bed.restore(small);
            Cluster.await("the restore of " + small + " ending while the archive's uploads are held", WAIT,
                    () -> cluster.flags(small) == AgentTestBed.ARCHIVED,
                    () -> uploads + "; hsm_state of the restored file " + cluster.lfs("hsm_state", small.toString())
                            .stdout() + "gauges " + bed.agent.metrics().snapshot().gauges());
            assertTrue(cluster.flags(big) != AgentTestBed.ARCHIVED, "the archive ended while its uploads were held");
        }
        bed.awaitFlags(big, AgentTestBed.ARCHIVED, WAIT);
        assertArrayEquals(content, AgentTestBed.md5(small), "the restored file differs from the archived one");
    }

    @Test
    void aRestoreFindsAStarterWhileSmallArchivesKeepTheOthersBusy() throws Exception {
        Path small = bed.write("inline/restored.bin", 64 * KIB);
        byte[] content = AgentTestBed.md5(small);
        archiveAndRelease(small);
        Path first = bed.write("inline/archive-1.bin", 64 * KIB);
        Path second = bed.write("inline/archive-2.bin", 64 * KIB);
        try (HoldingProxy.Hold uploads = proxy.hold("Put Blobs of the small archives",
                r -> r.isDataWrite() && (r.isFor(CONTAINER, "inline/archive-1.bin")
                        || r.isFor(CONTAINER, "inline/archive-2.bin")))) {
            bed.archive(first, second);
            // Each small archive is moved on a starter thread, from begin to end. On the code before, the two took
            // both starters (and both request slots); now one holds a starter and waits at the proxy, and the other
            // waits in the agent's queue, leaving the second starter to restores.
            Cluster.await("the small archives holding every starter they may", WAIT,
                    () -> uploads.held() >= 2 || (uploads.held() >= 1 && gauge("queued_actions") >= 1),
                    () -> uploads + ", gauges " + bed.agent.metrics().snapshot().gauges());
            bed.restore(small);
            Cluster.await("the restore of " + small + " ending while the small archives are held", WAIT,
                    () -> cluster.flags(small) == AgentTestBed.ARCHIVED,
                    () -> uploads + "; hsm_state of the restored file " + cluster.lfs("hsm_state", small.toString())
                            .stdout() + "gauges " + bed.agent.metrics().snapshot().gauges());
        }
        bed.awaitFlags(first, AgentTestBed.ARCHIVED, WAIT);
        bed.awaitFlags(second, AgentTestBed.ARCHIVED, WAIT);
        assertArrayEquals(content, AgentTestBed.md5(small), "the restored file differs from the archived one");
    }

    /** Archives (nothing held) and releases a small file: its restore is then two requests, a stat and one GET. */
    private void archiveAndRelease(Path file) {
        bed.archive(file);
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
        bed.release(file);
        bed.awaitFlags(file, AgentTestBed.RELEASED, WAIT);
    }

    /** A gauge of the agent's metrics; 0 when the agent has no such gauge. */
    private long gauge(String name) {
        return bed.agent.metrics().snapshot().gauges().getOrDefault(name, 0L);
    }
}

package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.RehydratePriority;
import com.azure.storage.blob.options.BlobSetAccessTierOptions;
import io.azlhsm.copytool.metrics.StatusReport;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A restore of a file whose blob was moved to the Archive tier behind the agent's back (a lifecycle policy, an
 * administrator): the agent asks for the rehydration itself (Set Blob Tier to {@code rehydrate_tier} with
 * {@code rehydrate_priority}), or waits for one already under way, keeps the RESTORE alive with heartbeats for as long
 * as it takes, and then restores and verifies the blob as usual. Azurite changes tiers at once, so the
 * {@link HoldingProxy#rehydrateSlowly proxy} answers as Azure does while the blob is being rehydrated, until the test
 * completes the rehydration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RehydrationIT {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CONTAINER = "rehydrate";
    /** The coordinator's active_request_timeout here: a restore alive past several of these was kept alive. */
    private static final int TIMEOUT_SECONDS = 4;

    private Cluster cluster;
    private AzuriteServer azurite;
    private HoldingProxy proxy;
    private AgentTestBed bed;
    private BlobServiceClient direct;
    private BlobServiceClient throughProxy;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        proxy = HoldingProxy.start(azurite);
        cluster = Cluster.start();
        // two starters (readers 1, max_concurrency 2) and a ring of four 1 MiB chunks: two parked restores that held
        // either would leave a third restore nothing to start or move it with
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                pipeline.readers = 1
                pipeline.writers = 1
                pipeline.ring_size = 4
                pipeline.progress_interval = 1s
                archive.1.type = azure
                archive.1.container = %s
                archive.1.connection_string = %s
                archive.1.max_concurrency = 2
                archive.1.single_put_limit = 1MiB
                archive.1.rehydrate_priority = high
                archive.1.rehydrate_poll_interval = 200ms
                """.formatted(CONTAINER, proxy.connectionString()));
        direct = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        throughProxy = new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient();
        cluster.setParam("active_request_timeout", Integer.toString(TIMEOUT_SECONDS));
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
    void aReadBlocksWhileTheAgentRehydratesTheBlobKeepingTheRestoreAliveThenGetsTheData() throws Exception {
        Path file = bed.write("cold/data.bin", 2 * MIB + 12345);
        byte[] md5 = AgentTestBed.md5(file);
        String blob = archiveReleaseAndMoveToArchiveTier(file);
        try (HoldingProxy.Rehydration rehydration = proxy.rehydrateSlowly(CONTAINER, blob, null)) {
            CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.readAllBytes(file); // an implicit restore: blocked until the data is there
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            rehydration.awaitStarted(WAIT, () -> actions(file));
            long started = System.nanoTime();
            Cluster.await("the restore parked while its blob rehydrates", WAIT,
                    () -> gauge("rehydrations_pending") == 1, () -> actions(file));
            Cluster.await("copytool status showing the restore rehydrating", WAIT, () -> {
                String status = StatusReport.render(bed.agent.metrics().snapshot());
                return status.contains("rehydrating since ") && status.contains("blob " + blob + " ")
                        && status.contains("rehydrate-pending-to-hot");
            }, () -> actions(file));
            // Several active_request_timeouts pass: only the agent's heartbeats keep the coordinator from canceling
            // the request, and the reader stays blocked all along.
            while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3L * TIMEOUT_SECONDS)) {
                assertEquals(List.of("STARTED"), cluster.actionStatuses(cluster.fid(file), "RESTORE"),
                        "the restore must stay alive while the blob rehydrates: " + actions(file));
                assertFalse(read.isDone(), "the read returned before the data was there");
                assertEquals(0, gauge("ring_chunks_in_flight"), "a waiting restore holds no ring slot");
                Thread.sleep(500);
            }
            assertEquals(List.of("Hot/High"), rehydration.tierRequests(),
                    "one Set Blob Tier, to rehydrate_tier with rehydrate_priority; never asked again while pending");

            rehydration.complete();
            byte[] data = read.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertArrayEquals(md5, java.security.MessageDigest.getInstance("MD5").digest(data),
                    "the restored bytes are the archived ones");
        }
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(file), "RESTORE"), actions(file));
        assertEquals(0, gauge("rehydrations_pending"));
        assertTrue(bed.agent.metrics().snapshot().rehydrationLatency().containsKey("hot"),
                "the wait is measured by the tier it rehydrated to");
    }

    @Test
    void aBlobAlreadyBeingRehydratedIsWaitedForNotRequestedAgain() throws Exception {
        Path file = bed.write("cold/already.bin", 300_000);
        byte[] md5 = AgentTestBed.md5(file);
        String blob = archiveReleaseAndMoveToArchiveTier(file);
        AtomicInteger looks = new AtomicInteger();
        try (HoldingProxy.Rehydration rehydration = proxy.rehydrateSlowly(CONTAINER, blob, null);
             HoldingProxy.Hold counter = proxy.hold("never: counts Get Blob Properties of " + blob, r -> {
                 if ("HEAD".equals(r.method()) && r.isFor(CONTAINER, blob)) {
                     looks.incrementAndGet();
                 }
                 return false;
             })) {
            // someone else (a script, the portal) started the rehydration, at standard priority
            assertEquals(202, throughProxy.getBlobContainerClient(CONTAINER).getBlobClient(blob)
                    .setAccessTierWithResponse(new BlobSetAccessTierOptions(AccessTier.HOT)
                            .setPriority(RehydratePriority.STANDARD), null, Context.NONE).getStatusCode());
            assertTrue(rehydration.rehydrating());
            bed.restore(file);
            Cluster.await("the agent looking at the rehydrating blob three times", WAIT, () -> looks.get() >= 3,
                    () -> actions(file) + "\n" + rehydration);
            assertEquals(List.of("Hot/Standard"), rehydration.tierRequests(),
                    "the agent waited for the rehydration under way instead of asking again");
            assertEquals(AgentTestBed.RELEASED, cluster.flags(file), "nothing restored while the blob is offline");
            rehydration.complete();
            bed.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
        }
        assertArrayEquals(md5, AgentTestBed.md5(file));
    }

    @Test
    void aCancelEndsARestoreWaitingForItsRehydration() throws Exception {
        Path file = bed.write("cold/canceled.bin", 2 * MIB);
        String blob = archiveReleaseAndMoveToArchiveTier(file);
        try (HoldingProxy.Rehydration rehydration = proxy.rehydrateSlowly(CONTAINER, blob, null)) {
            bed.restore(file);
            rehydration.awaitStarted(WAIT, () -> actions(file));
            Cluster.await("the restore parked", WAIT, () -> gauge("rehydrations_pending") == 1, () -> actions(file));
            bed.lfs("hsm_cancel", List.of(file));
            Cluster.await("the canceled restore ended by the agent", WAIT,
                    () -> gauge("rehydrations_pending") == 0 && !cluster.getParam("active_requests").contains(
                            "fid=" + cluster.fid(file)), () -> actions(file));
            assertTrue(rehydration.rehydrating(), "the cancel came while the blob was still rehydrating");
        }
        assertEquals(List.of("CANCELED"), cluster.actionStatuses(cluster.fid(file), "RESTORE"), actions(file));
        assertEquals(AgentTestBed.RELEASED, cluster.flags(file), "a canceled restore leaves the file released");
    }

    @Test
    void restoresWaitingForRehydrationHoldNoStarterAndNoRingSlot() throws Exception {
        Path first = bed.write("cold/first.bin", 2 * MIB);
        Path second = bed.write("cold/second.bin", 2 * MIB);
        Path online = bed.write("warm/online.bin", 2 * MIB);
        byte[] onlineMd5 = AgentTestBed.md5(online);
        String firstBlob = archiveReleaseAndMoveToArchiveTier(first);
        String secondBlob = archiveReleaseAndMoveToArchiveTier(second);
        bed.archive(online);
        bed.awaitFlags(online, AgentTestBed.ARCHIVED, WAIT);
        bed.release(online);
        bed.awaitFlags(online, AgentTestBed.RELEASED, WAIT);
        try (HoldingProxy.Rehydration one = proxy.rehydrateSlowly(CONTAINER, firstBlob, null);
             HoldingProxy.Rehydration two = proxy.rehydrateSlowly(CONTAINER, secondBlob, null)) {
            bed.restore(first, second);
            one.awaitStarted(WAIT, () -> actions(first));
            two.awaitStarted(WAIT, () -> actions(second));
            Cluster.await("both restores parked", WAIT, () -> gauge("rehydrations_pending") == 2,
                    () -> actions(first) + actions(second));
            assertEquals(0, gauge("ring_chunks_in_flight"), "parked restores hold no ring slot");
            // both starters are free: a restore of a file whose blob is online begins and moves its data meanwhile
            bed.restore(online);
            bed.awaitFlags(online, AgentTestBed.ARCHIVED, WAIT);
            assertArrayEquals(onlineMd5, AgentTestBed.md5(online));
            assertEquals(2, gauge("rehydrations_pending"), "the two still wait for their blobs");
            one.complete();
            two.complete();
            bed.awaitFlags(first, AgentTestBed.ARCHIVED, WAIT);
            bed.awaitFlags(second, AgentTestBed.ARCHIVED, WAIT);
        }
        assertEquals(0, gauge("rehydrations_pending"));
    }

    /** Archives and releases the file, then moves its blob to the Archive tier directly on Azurite. */
    private String archiveReleaseAndMoveToArchiveTier(Path file) {
        bed.archive(file);
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
        bed.release(file);
        bed.awaitFlags(file, AgentTestBed.RELEASED, WAIT);
        String blob = cluster.mount().relativize(file).toString();
        var client = direct.getBlobContainerClient(CONTAINER).getBlobClient(blob);
        String etag = client.getProperties().getETag();
        client.setAccessTier(AccessTier.ARCHIVE);
        assertEquals("Archive", client.getProperties().getAccessTier().toString());
        assertEquals(etag, client.getProperties().getETag(), "a tier change keeps the ETag");
        return blob;
    }

    private long gauge(String name) {
        return bed.agent.metrics().snapshot().gauges().getOrDefault(name, -1L);
    }

    private String actions(Path file) {
        String fid = cluster.fid(file);
        return "hsm_action: " + cluster.lfs("hsm_action", file.toString()).stdout()
                + "hsm_state: " + cluster.lfs("hsm_state", file.toString()).stdout()
                + "actions:\n" + String.join("\n", cluster.getParam("actions").lines()
                        .filter(l -> l.contains(fid)).toList())
                + "\nagent:\n" + StatusReport.render(bed.agent.metrics().snapshot());
    }
}

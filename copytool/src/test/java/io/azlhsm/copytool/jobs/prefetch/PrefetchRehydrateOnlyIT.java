package io.azlhsm.copytool.jobs.prefetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.models.AccessTier;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code copytool prefetch --rehydrate-only}: a campaign is warmed hours ahead. The job asks for the rehydration of
 * the released files' Archive-tier blobs (once: a blob on its way back is not asked for again), restores nothing,
 * and counts the blobs by tier; a restore afterwards finds the blob online.
 */
class PrefetchRehydrateOnlyIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void startsTheRehydrationOfArchiveTierBlobsWithoutRestoringAndCountsBlobsByTier() throws Exception {
        try (FlowTestBed bed = FlowTestBed.start("warm", "archive.1.rehydrate_priority = high\n")) {
            Path online = bed.agent.write("campaign/online.bin", 200_000);
            Path offline = bed.agent.write("campaign/offline.bin", 300_000);
            byte[] md5 = AgentTestBed.md5(offline);
            bed.agent.archive(online, offline);
            bed.agent.awaitFlags(online, AgentTestBed.ARCHIVED, WAIT);
            bed.agent.awaitFlags(offline, AgentTestBed.ARCHIVED, WAIT);
            bed.agent.release(online, offline);
            bed.agent.awaitFlags(online, AgentTestBed.RELEASED, WAIT);
            bed.agent.awaitFlags(offline, AgentTestBed.RELEASED, WAIT);
            String blob = bed.cluster.mount().relativize(offline).toString();
            bed.container.getBlobClient(blob).setAccessTier(AccessTier.ARCHIVE);

            try (HoldingProxy.Rehydration rehydration = bed.proxy.rehydrateSlowly("warm", blob, null)) {
                // issue 17: a dry run asks for no rehydration and counts as the run that does
                JobRun dry = bed.dryRun(new PrefetchJob(new PrefetchOptions(List.of("campaign"), null, 100, true)));
                assertEquals(List.of(), rehydration.tierRequests(), "a dry run set a tier");
                assertEquals(List.of("start rehydrating " + offline + " (blob " + blob + ")"),
                        dry.outcome().dryRun().orElseThrow().first());

                JobRun first = bed.run(new PrefetchJob(new PrefetchOptions(List.of("campaign"), null, 100, true)));
                assertEquals(dry.outcome().counters(), first.outcome().counters(), first.describe());
                assertEquals(JobState.COMPLETED, first.state(), first.describe());
                assertEquals(1, first.counter("blobs in tier Archive"), first.describe());
                assertEquals(1, first.counter("blobs in tier Hot"), first.describe());
                assertEquals(1, first.counter(RehydrationStarter.REQUESTED), first.describe());
                assertEquals(List.of("Hot/High"), rehydration.tierRequests());
                assertTrue(rehydration.rehydrating());
                for (Path file : List.of(online, offline)) {
                    assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(file), "nothing restored: " + file);
                    assertEquals(List.of(), bed.cluster.actionStatuses(bed.cluster.fid(file), "RESTORE"),
                            "no RESTORE request for " + file);
                }

                JobRun second = bed.run(new PrefetchJob(new PrefetchOptions(List.of("campaign"), null, 100, true)));
                assertEquals(JobState.COMPLETED, second.state(), second.describe());
                assertEquals(1, second.counter(RehydrationStarter.ALREADY), second.describe());
                assertEquals(0, second.counter(RehydrationStarter.REQUESTED), second.describe());
                assertEquals(List.of("Hot/High"), rehydration.tierRequests(), "a rehydrating blob is not asked again");

                rehydration.complete();
            }
            bed.agent.restore(offline);
            bed.agent.awaitFlags(offline, AgentTestBed.ARCHIVED, WAIT);
            assertArrayEquals(md5, AgentTestBed.md5(offline));
        }
    }
}

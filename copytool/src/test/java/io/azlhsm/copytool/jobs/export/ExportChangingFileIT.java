package io.azlhsm.copytool.jobs.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.operations.FailureNote;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A file written to while the export job's ARCHIVE of it runs: the agent (throttled so the copy takes seconds)
 * sees the data version move and fails that archive, and the job counts that file as failed and goes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExportChangingFileIT {
    private static final int BIG = 8 << 20;

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("changing", "");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void aFileAppendedToWhileArchivedFailsAloneAndAReRunExportsIt() throws Exception {
        Path big = bed.agent.write("changing/big.bin", BIG);
        Path small = bed.agent.write("changing/small.bin", 1_000);
        CompletableFuture<JobRun> job;
        // the big file's uploads wait at the proxy: it is being copied when it is appended to, whatever the speed
        try (HoldingProxy.Hold upload = bed.proxy.hold("uploads of changing/big.bin",
                r -> r.isDataWrite() && r.isFor("changing", "changing/big.bin"))) {
            job = CompletableFuture.supplyAsync(() -> {
                try {
                    return bed.run(new ExportJob(new ExportOptions("changing", 0, 10, true)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            upload.awaitHeld(1, Duration.ofSeconds(30), () -> bed.cluster.getParam("actions"));
            Cluster.await("the small file archived", Duration.ofSeconds(30),
                    () -> bed.cluster.flags(small) == AgentTestBed.ARCHIVED, () -> bed.cluster.getParam("actions"));
            assertTrue(copying(), bed.cluster.getParam("actions"));
            Files.write(big, new byte[] {42}, StandardOpenOption.APPEND);
        }
        JobRun run = job.get(60, TimeUnit.SECONDS);

        assertEquals(JobState.COMPLETED_PARTIAL, run.state(), run::describe);
        assertEquals(1, run.counter(ExportCounters.EXPORTED), run::describe);
        assertEquals(1, run.counter(ExportCounters.FAILED), run::describe);
        assertEquals(1, run.errors().size(), run::describe);
        assertTrue(run.errors().get(0).contains("changing/big.bin"), run::describe);
        // issue 17: the agent's cause, from the note it left on the file (whichever data mover ran the action)
        String error = run.errors().get(0);
        assertTrue(error.contains("the agent on ") && error.contains("failed its ARCHIVE"), error);
        assertTrue(error.contains("with errno 16 (EBUSY): ") && error.contains("file changed while it was archived"),
                error);
        assertTrue(ExtendedAttributes.get(big, FailureNote.XATTR).isPresent(), "the agent's note on " + big);
        assertNotEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(big), "no archive of a file that changed under it");

        JobRun again = bed.run(new ExportJob(new ExportOptions("changing", 0, 10, true)));
        assertEquals(JobState.COMPLETED, again.state(), again::describe);
        assertEquals(1, again.counter(ExportCounters.EXPORTED), again::describe);
        assertEquals(BIG + 1, again.counter(ExportCounters.BYTES_EXPORTED));
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(big));
        assertTrue(ExtendedAttributes.get(big, FailureNote.XATTR).isEmpty(), "a successful archive clears the note");
        assertArrayEquals(AgentTestBed.md5(big),
                bed.container.getBlobClient("changing/big.bin").getProperties().getContentMd5());
    }

    /** An ARCHIVE is running at the coordinator (the small file's has ended, so it is the big file's). */
    private boolean copying() {
        return bed.cluster.getParam("actions").lines().anyMatch(l -> l.contains("status=STARTED"));
    }
}

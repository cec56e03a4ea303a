package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * No call into liblustreapi after {@code llapi_hsm_copytool_unregister}, which frees what a later
 * {@code llapi_hsm_action_end} or {@code _progress} would use (liblustreapi_hsm.c: unregister frees {@code ct}; end and
 * progress make their ioctl on {@code hcp->ct_priv->mnt_fd}). An archive's or restore's blob request is abandoned when
 * the stop ends its grace (it is interrupted), but a REMOVE's Delete Blob runs to its end (abandoned, it could still
 * delete the copy of a file left ARCHIVED): a REMOVE whose delete hangs at shutdown outlives the agent's stop. The
 * agent unregisters without it, naming it, and when the delete returns later its end is not made on the freed
 * registration. The simulator keeps an unregistered copytool handle marked and fails such a call with EBADF
 * (and a MISUSE line on stderr), so a call that reached it would show in the log as a failed llapi_hsm_action_end.
 */
class AgentStuckTransferIT {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aTransferThatReturnsAfterTheAgentUnregisteredIsAbandonedWithoutCallingTheLibrary() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); HoldingProxy proxy = HoldingProxy.start(azurite);
             Cluster cluster = Cluster.start(); LogWatch log = new LogWatch()) {
            AgentTestBed bed = AgentTestBed.start(cluster, cluster.mount(), """
                    archive.1.type = azure
                    archive.1.container = stuck
                    archive.1.connection_string = %s
                    """.formatted(proxy.connectionString()));
            try {
                Path file = bed.write("stuck/remove.bin", 3 * MIB);
                bed.archive(file);
                bed.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
                try (HoldingProxy.Hold delete = proxy.hold("the delete of stuck/remove.bin",
                        r -> "DELETE".equals(r.method()) && r.isFor("stuck", "stuck/remove.bin"))) {
                    bed.lfs("hsm_remove", java.util.List.of(file));
                    delete.awaitHeld(1, WAIT, () -> cluster.getParam("actions"));

                    bed.agent.stop(Duration.ZERO); // returns with the delete still held: the REMOVE is stuck
                    assertFalse(cluster.getParam("agents").contains("uuid="), "still registered");
                }
                // the delete goes on now, and the REMOVE ends after the unregister
                Cluster.await("the stuck REMOVE ending", WAIT, () -> log.contains("abandoned, ended after")
                        || log.contains("llapi_hsm_action_end failed"), () -> String.join("\n", log.snapshot()));
                String lines = String.join("\n", log.snapshot());
                assertFalse(lines.contains("llapi_hsm_action_end failed") || lines.contains("progress report failed"),
                        "a call reached the library after unregister:\n" + lines);
                assertTrue(lines.contains("unregistering with 1 actions that did not end")
                        && lines.contains("REMOVE " + cluster.fid(file)), "the stuck REMOVE was not named:\n" + lines);
            } finally {
                bed.close();
            }
        }
    }
}

package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.namespace.HsmFileOperations;
import io.azlhsm.testcluster.namespace.Namespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Copytool registration as Lustre does it (mdt_hsm_cdt_agent.c, kernelcomm.c, lmv_obd.c): several copytools on one
 * mount, the first registration's archive list, any of them leaving removing the mount's agent, a dead one dropped
 * first; on a file system of two MDTs, each MDT's coordinator sees the same.
 */
class CoordinatorRegistrationTest {
    /** A copytool's connection as the coordinator sees it. */
    private static final class FakeChannel implements AgentChannel {
        boolean alive = true;
        boolean shutDown;

        @Override
        public void send(ActionList list) {
        }

        @Override
        public void shutdown() {
            shutDown = true;
        }

        @Override
        public boolean alive() {
            return alive;
        }
    }

    @TempDir
    Path dir;
    private Coordinators coordinator;

    @BeforeEach
    void start() throws Exception {
        Namespace ns = new Namespace(dir.resolve("backing"), dir.resolve("volatile"), dir.resolve("state"), 2);
        coordinator = new Coordinators(ns, new HsmFileOperations(ns), "lustre", dir.resolve("state"),
                new Changelogs(dir.resolve("state"), ns));
    }

    @AfterEach
    void stop() {
        coordinator.close();
    }

    /** MDT0's agent list, checked to be MDT1's too: a copytool registers with (and leaves) every MDT. */
    private String agents() throws Exception {
        String agents = coordinator.of(0).getParam("agents");
        assertEquals(agents, coordinator.of(1).getParam("agents"), "MDT1's agents");
        return agents;
    }

    @Test
    void aSecondCopytoolOnOneMountRegistersAndTheFirstArchiveListIsKept() throws Exception {
        FakeChannel first = new FakeChannel();
        FakeChannel second = new FakeChannel();
        coordinator.register("uuid-a", List.of(1), first);
        coordinator.register("uuid-a", List.of(2), second);
        assertEquals("uuid=uuid-a archive_id=1 requests=[current:0 ok:0 errors:0]\n", agents());

        coordinator.unregister("uuid-a", second);
        assertEquals("", agents(), "the mount's agent goes whichever copytool leaves");
        FakeChannel third = new FakeChannel();
        coordinator.register("uuid-a", List.of(3), third);
        assertEquals("uuid=uuid-a archive_id=3 requests=[current:0 ok:0 errors:0]\n", agents());

        coordinator.close(); // the KUC shutdown reaches every copytool still registered on the mount
        assertTrue(first.shutDown && third.shutDown);
        assertFalse(second.shutDown, "the one that left");
    }

    @Test
    void aCopytoolWhoseProcessDiedIsDroppedBeforeTheNextRegistration() throws Exception {
        FakeChannel dead = new FakeChannel();
        coordinator.register("uuid-b", List.of(1), dead);
        dead.alive = false; // its connection's end not read yet
        FakeChannel next = new FakeChannel();
        coordinator.register("uuid-b", List.of(2), next);
        assertEquals("uuid=uuid-b archive_id=2 requests=[current:0 ok:0 errors:0]\n", agents(),
                "the dead one's agent went first, as when a real client saw its process exit");

        coordinator.unregister("uuid-b", dead); // its connection's end, read late: nothing left to do
        assertEquals("uuid=uuid-b archive_id=2 requests=[current:0 ok:0 errors:0]\n", agents());
        coordinator.unregister("uuid-b", next);
        assertEquals("", agents(), "the next copytool's agent outlived its unregistration");
    }
}

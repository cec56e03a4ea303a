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
        String agents = coordinator.of(0).params().get("agents");
        assertEquals(agents, coordinator.of(1).params().get("agents"), "MDT1's agents");
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

    private String agentsOf(int mdt) throws Exception {
        return coordinator.of(mdt).params().get("agents");
    }

    /**
     * sanity-hsm 106c at the coordinator: an evicted client's agent is gone from the MDT (mdt_export_cleanup); the
     * client, once its MDC is active again, registers every copytool of the mount again, newest first, so the MDT
     * keeps the newest one's archive list (kernelcomm.c: the group is a list added to at its head).
     */
    @Test
    void anEvictedClientRegistersItsCopytoolsAgainWhenItsMdcIsActivatedAgain() throws Exception {
        FakeChannel first = new FakeChannel();
        FakeChannel second = new FakeChannel();
        coordinator.register("uuid-c", List.of(1), first);
        coordinator.register("uuid-c", List.of(2), second);
        for (int mdt = 0; mdt < 2; mdt++) {
            coordinator.setMdcActive("uuid-c", mdt, false);
            assertTrue(agentsOf(mdt).contains("uuid=uuid-c"), "deactivating tells the MDT nothing");
            coordinator.evict(mdt, "uuid-c");
            assertEquals("", agentsOf(mdt), "evicted from MDT" + mdt);
        }
        coordinator.setMdcActive("uuid-c", 0, true);
        assertEquals("uuid=uuid-c archive_id=2 requests=[current:0 ok:0 errors:0]\n", agentsOf(0),
                "MDT0 reconnected: the newest copytool registered first");
        assertEquals("", agentsOf(1), "MDT1's MDC still inactive");
        coordinator.setMdcActive("uuid-c", 1, true);
        assertEquals("uuid=uuid-c archive_id=2 requests=[current:0 ok:0 errors:0]\n", agentsOf(1));
        coordinator.setMdcActive("uuid-c", 1, true); // a repeated value changes nothing
        assertFalse(first.shutDown || second.shutDown, "neither copytool was restarted");
    }

    @Test
    void aClientEvictedWithItsMdcActiveReconnectsAndRegistersAgainAtOnce() throws Exception {
        coordinator.register("uuid-d", List.of(4), new FakeChannel());
        coordinator.evict(0, "uuid-d");
        assertEquals("uuid=uuid-d archive_id=4 requests=[current:0 ok:0 errors:0]\n", agentsOf(0));
        coordinator.evict(1, "no-such-client"); // evicts nobody, no error
        assertEquals("uuid=uuid-d archive_id=4 requests=[current:0 ok:0 errors:0]\n", agentsOf(1));
    }

    /** sanity-hsm 403 and 402a: registration reaches only the MDTs whose MDC is active, and needs one. */
    @Test
    void aCopytoolRegistersOnlyThroughActiveMdcsAndNeedsOne() throws Exception {
        coordinator.setMdcActive("uuid-e", 1, false);
        FakeChannel ct = new FakeChannel();
        coordinator.register("uuid-e", List.of(), ct);
        assertEquals("uuid=uuid-e archive_id=ANY requests=[current:0 ok:0 errors:0]\n", agentsOf(0));
        assertEquals("", agentsOf(1), "MDT1's MDC inactive: registered there on reconnect");
        coordinator.setMdcActive("uuid-e", 1, true);
        assertEquals("uuid=uuid-e archive_id=ANY requests=[current:0 ok:0 errors:0]\n", agentsOf(1));

        coordinator.setMdcActive("uuid-e", 1, false);
        coordinator.unregister("uuid-e", ct);
        assertEquals("", agentsOf(0));
        assertTrue(agentsOf(1).contains("uuid=uuid-e"), "an MDT behind an inactive MDC is not told");
        coordinator.evict(1, "uuid-e");

        coordinator.setMdcActive("uuid-e", 0, false);
        io.azlhsm.testcluster.SimulatorException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.azlhsm.testcluster.SimulatorException.class,
                () -> coordinator.register("uuid-e", List.of(), new FakeChannel()));
        assertEquals(io.azlhsm.testcluster.Errno.ENOTCONN, e.errno(), e.getMessage());
        assertEquals("", agentsOf(0) + agentsOf(1));
        coordinator.setMdcActive("uuid-e", 0, true);
        coordinator.setMdcActive("uuid-e", 1, true);
        assertEquals("", agentsOf(0) + agentsOf(1), "the refused copytool left the mount's group");
    }
}

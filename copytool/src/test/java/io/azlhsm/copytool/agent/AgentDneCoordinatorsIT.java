package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The agent on a file system of two MDTs, each running a coordinator of its own (lustre/mdt/mdt_coordinator.c): one
 * MDT's coordinator disabled does not stop the other's actions, and two MDTs' actions that carry the same cookie (each
 * coordinator numbers its own from the second it started) are two actions to the agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AgentDneCoordinatorsIT {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern COOKIE = Pattern.compile(" compound/cookie=0x[0-9a-f]+/(0x[0-9a-f]+) ");

    private FlowTestBed bed;
    private Cluster cluster;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("dnecdt", "", 2);
        cluster = bed.cluster;
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private int mdtOf(Path file) {
        return Integer.parseInt(cluster.lfs("getstripe", "-m", file.toString()).out().trim());
    }

    /** The cookie of the (only) ARCHIVE of file in its MDT's action log. */
    private String archiveCookie(Path file) {
        String fid = cluster.fid(file);
        for (String line : cluster.getParam("actions").split("\n")) {
            Matcher m = COOKIE.matcher(line);
            if (line.contains("fid=" + fid + " ") && line.contains("action=ARCHIVE ") && m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no ARCHIVE of " + fid + " in\n" + cluster.getParam("actions"));
    }

    /**
     * The first request of each MDT gets the same cookie. An archive of MDT0 is held mid-upload while MDT1's archive
     * with that cookie runs and ends; the cancel of MDT0's archive must still find and stop it (an agent that keyed
     * its actions by cookie alone lost the running archive when MDT1's ended, and ignored the cancel).
     */
    @Test
    @Order(1)
    void actionsOfTwoMdtsWithTheSameCookieAreTwoActions() throws Exception {
        Path on1 = Files.createDirectories(cluster.mount().resolve("same")).resolve("one");
        cluster.lfs("mkdir", "-i", "1", on1.toString()).out();
        Path big = bed.agent.write("same/big.bin", 24 * MIB);
        Path small = bed.agent.write("same/one/small.bin", 1_000);
        assertEquals(0, mdtOf(big));
        assertEquals(1, mdtOf(small));
        try (LogWatch log = new LogWatch(); HoldingProxy.Hold upload = bed.proxy.hold("uploads of same/big.bin",
                r -> r.isDataWrite() && r.isFor("dnecdt", "same/big.bin"))) {
            bed.agent.archive(big);
            upload.awaitHeld(1, WAIT, () -> cluster.getParam("actions"));
            bed.agent.archive(small);
            assertEquals(archiveCookie(big), archiveCookie(small), "not the premise: the MDTs' first cookies differ");
            bed.agent.awaitFlags(small, AgentTestBed.ARCHIVED, WAIT);
            bed.agent.lfs("hsm_cancel", List.of(big));
            log.await("cancel received", WAIT); // the agent has the cancel before the upload may go on
        }
        bed.agent.awaitIdle(big, WAIT);
        assertEquals(0x01, cluster.flags(big), "a canceled archive must leave the file exists-only");
        assertFalse(bed.container.getBlobClient("same/big.bin").exists(), "canceled archive committed a blob");
    }

    /** MDT0's coordinator disabled: MDT1's restore is served, MDT0's waits until its coordinator is enabled. */
    @Test
    @Order(2)
    void aRestoreOnMdt1IsServedWhileMdt0sCoordinatorIsDisabled() throws Exception {
        Path on1 = Files.createDirectories(cluster.mount().resolve("disabled")).resolve("one");
        cluster.lfs("mkdir", "-i", "1", on1.toString()).out();
        Path f0 = bed.agent.write("disabled/f0.bin", 3_000);
        Path f1 = bed.agent.write("disabled/one/f1.bin", 4_000);
        assertEquals(0, mdtOf(f0));
        assertEquals(1, mdtOf(f1));
        byte[] md5 = AgentTestBed.md5(f1);
        bed.agent.archive(f0, f1);
        bed.agent.awaitFlags(f0, AgentTestBed.ARCHIVED, WAIT);
        bed.agent.awaitFlags(f1, AgentTestBed.ARCHIVED, WAIT);
        bed.agent.release(f0, f1);
        cluster.setParam(0, "hsm_control", "disabled");
        try {
            bed.agent.restore(f0, f1);
            bed.agent.awaitFlags(f1, AgentTestBed.ARCHIVED, WAIT);
            assertArrayEquals(md5, AgentTestBed.md5(f1));
            assertEquals(List.of("WAITING"), cluster.actionStatuses(cluster.fid(f0), "RESTORE"),
                    cluster.getParam("actions"));
            assertEquals(AgentTestBed.RELEASED, cluster.flags(f0));
        } finally {
            cluster.setParam(0, "hsm_control", "enabled");
        }
        bed.agent.awaitFlags(f0, AgentTestBed.ARCHIVED, WAIT);
    }
}

package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * sanity-hsm 300-302: what the coordinator keeps across an MDT restart (here: a restart of the cluster daemon),
 * hsm_control and the tunables, also when they were set with the coordinator off.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SanityHsmPersistenceIT {
    private static Cluster cluster;

    @BeforeAll
    static void cluster(Cluster c) {
        cluster = c;
    }

    @AfterEach
    void restoreDefaults() {
        cluster.setParam("hsm_control", "enabled");
        cluster.setParam("max_requests", "3");
        cluster.setParam("active_request_timeout", "3600");
        cluster.setParam("loop_period", "10");
        cluster.setParam("policy", "NRA");
    }

    @Test
    void test_300_on_disk_coordinator_state_kept_between_restarts() {
        cluster.setParam("hsm_control", "shutdown");
        cluster.restartCoordinator();
        assertEquals("stopped", cluster.getParam("hsm_control").trim());
        cluster.setParam("hsm_control", "enabled");
        cluster.restartCoordinator();
        assertEquals("enabled", cluster.getParam("hsm_control").trim());
    }

    @Test
    void test_301_hsm_tunables_are_persistent() {
        cluster.setParam("max_requests", "7");
        cluster.setParam("active_request_timeout", "1234");
        cluster.setParam("policy", "NRA NBR");
        cluster.restartCoordinator();
        assertEquals("7", cluster.getParam("max_requests").trim());
        assertEquals("1234", cluster.getParam("active_request_timeout").trim());
        assertEquals("[NRA] [NBR]", cluster.getParam("policy").trim());
    }

    @Test
    void test_302_hsm_tunables_are_persistent_when_cdt_is_off() {
        cluster.setParam("hsm_control", "shutdown");
        cluster.setParam("max_requests", "9");
        cluster.setParam("loop_period", "7");
        cluster.restartCoordinator();
        assertEquals("stopped", cluster.getParam("hsm_control").trim());
        assertEquals("9", cluster.getParam("max_requests").trim());
        assertEquals("7", cluster.getParam("loop_period").trim());
    }
}

package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.metrics.AgentMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** metrics.listen may name any address; one that answers other hosts is warned about (no authentication). */
class MetricsServerTest {

    @Test
    void loopbackIsQuietAndAnyOtherAddressIsWarnedAbout() throws Exception {
        try (MetricsServer loopback = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new AgentMetrics())) {
            assertEquals(Optional.empty(), loopback.exposure());
        }
        try (MetricsServer everywhere = new MetricsServer(new InetSocketAddress("0.0.0.0", 0), new AgentMetrics())) {
            String warning = everywhere.exposure().orElseThrow();
            assertTrue(warning.startsWith("metrics.listen 0.0.0.0:" + everywhere.address().getPort()
                    + " is not a loopback address"), warning);
            assertTrue(warning.contains("no authentication"), warning);
        }
    }
}

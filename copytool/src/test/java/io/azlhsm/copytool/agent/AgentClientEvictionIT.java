package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent across an eviction of its client (sanity-hsm 106c's disconnect_agent_node / reconnect_agent_node): the
 * client's MDCs deactivated and its UUID evicted from the MDT, which drops the agent; the MDCs activated again, and
 * the client registers the agent's copytool again by itself (mdc_request.c mdc_kuc_reregister). Nothing reaches the
 * agent's pipe meanwhile, so it keeps running, registered as before, and serves the next actions without a restart.
 */
class AgentClientEvictionIT {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void theAgentServesArchivesAndRestoresAgainOnceItsEvictedClientReconnects() throws Exception {
        try (Cluster cluster = Cluster.start();
             AgentTestBed bed = AgentTestBed.start(cluster, cluster.mount(), """
                     archive.1.type = posix
                     archive.1.root = %s
                     """.formatted(cluster.root().resolve("posix-archive")))) {
            Path before = bed.write("before.bin", 3 * MIB + 7);
            byte[] md5 = AgentTestBed.md5(before);
            bed.archive(before);
            bed.awaitFlags(before, AgentTestBed.ARCHIVED, WAIT);
            String agents = cluster.getParam("agents");
            Matcher m = Pattern.compile("^uuid=(\\S+) archive_id=1 ").matcher(agents);
            assertTrue(m.find(), agents);
            String uuid = m.group(1);

            String instance = cluster.lfs("getname", "-i", cluster.mount().toString()).out().trim();
            String mdcs = "mdc." + cluster.fsname() + "-MDT*-mdc-" + instance + ".active";
            cluster.lctl("set_param", mdcs + "=0").out();
            try {
                cluster.lctl("set_param", "mdt.*.evict_client=" + uuid).out();
                assertEquals("", cluster.getParam("agents").trim(), "the evicted client's agent is gone");
            } finally {
                cluster.lctl("set_param", mdcs + "=1").out();
            }
            assertTrue(cluster.getParam("agents").startsWith("uuid=" + uuid + " archive_id=1 "),
                    "registered again by the client: " + cluster.getParam("agents"));

            Path after = bed.write("after.bin", 3 * MIB + 7);
            bed.archive(after);
            bed.awaitFlags(after, AgentTestBed.ARCHIVED, WAIT);
            bed.release(before);
            bed.restore(before);
            bed.awaitFlags(before, AgentTestBed.ARCHIVED, WAIT);
            assertArrayEquals(md5, AgentTestBed.md5(before), "restored after the reconnect");
        }
    }
}

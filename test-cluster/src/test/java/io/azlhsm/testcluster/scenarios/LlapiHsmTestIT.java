package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.TestClusterHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sanity-hsm test 500: native-shim's llapi_hsm_test (C, against libhsmsim.so) on a live simulated cluster. */
@ExtendWith(ClusterExtension.class)
class LlapiHsmTestIT {
    @Test
    void test_500_llapi_hsm_test(Cluster cluster) throws Exception {
        Process p = new ProcessBuilder(TestClusterHome.nativeDirectory().resolve("llapi_hsm_test").toString(),
                cluster.mount().toString(), cluster.fsname()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("llapi_hsm_test: 0 failure(s)"), out);
    }
}

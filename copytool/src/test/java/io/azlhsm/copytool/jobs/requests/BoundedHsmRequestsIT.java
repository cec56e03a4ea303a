package io.azlhsm.copytool.jobs.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.jobs.AppliedChanges;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.lustre.LustreLibrary;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests to a coordinator that behaves as Lustre's does: at most 52 items per llapi_hsm_request (llite refuses
 * more with E2BIG), and a file whose action ended reads HUA_NONE with state WAITING (which must read as ended).
 */
class BoundedHsmRequestsIT {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void batchesFitTheClientsRequestLimitAndEndedActionsAreSeenAsEnded() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            cluster.startPosixCopytool();
            LustreLibrary library = LustreLibrary.load(TestClusterHome.nativeDirectory().resolve("libhsmsim.so")
                    .toString());
            HsmFiles hsm = new HsmFiles(library);
            LustreFids fids = new LustreFids(library);
            List<RequestOutcome> outcomes = new ArrayList<>();
            BoundedHsmRequests requests = new BoundedHsmRequests(hsm, AppliedChanges.INSTANCE, cluster.mount(),
                    RequestKind.ARCHIVE, 0, 1000,
                    () -> { }, outcomes::add);
            int files = 120;
            List<RequestedFile> toSubmit = new ArrayList<>();
            for (int i = 0; i < files; i++) {
                Path file = cluster.mount().resolve("batch/f" + i);
                Files.createDirectories(file.getParent());
                Files.writeString(file, "file " + i);
                toSubmit.add(new RequestedFile(file, fids.path2fid(file), Files.size(file)));
            }
            for (RequestedFile file : toSubmit) {
                requests.submit(file);
            }
            requests.finish(); // returns only if ended actions (HUA_NONE, WAITING) read as ended

            assertEquals(files, outcomes.size());
            assertTrue(outcomes.stream().allMatch(o -> o.failure().isEmpty()), outcomes.toString());
            // 52 + 52 + 16 (a batch lingering 200 ms goes out early, so a loaded machine may send a few more): a batch
            // refused as too large would be replayed one file at a time, 120 more calls
            assertTrue(requests.requestsIssued() < files / 4, requests.requestsIssued() + " llapi_hsm_request calls for "
                    + files + " files");
        }
    }
}

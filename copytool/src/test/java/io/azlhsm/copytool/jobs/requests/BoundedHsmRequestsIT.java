package io.azlhsm.copytool.jobs.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.jobs.AppliedChanges;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.lustre.LustreLibrary;
import io.azlhsm.copytool.operations.FailureNote;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests to a coordinator that behaves as Lustre's does: at most 52 items per llapi_hsm_request (llite refuses
 * more with E2BIG), and a file whose action ended reads HUA_NONE with state WAITING (which must read as ended).
 * Ends are seen from each file's HSM state and failure note; llapi_hsm_current_action (a walk of the whole action
 * log on an MDS) only for a file that shows neither.
 */
class BoundedHsmRequestsIT {
    private static final Logger LOG = Logger.getLogger(BoundedHsmRequestsIT.class.getName());


    private static long currentActionCalls(Cluster cluster) {
        return cluster.counters().entrySet().stream().filter(e -> e.getKey().contains("CURRENT_ACTION"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** ARCHIVE requests whose files are asked about 100 ms after their request if they show no end. */
    private static BoundedHsmRequests quicklyAskingRequests(Cluster cluster, List<RequestOutcome> outcomes) {
        BoundedHsmRequests requests = new BoundedHsmRequests(new HsmFiles(library()), AppliedChanges.INSTANCE,
                cluster.mount(), RequestKind.ARCHIVE, 0, 1000, () -> { }, outcomes::add);
        requests.actionCheckAfter(Duration.ofMillis(100));
        return requests;
    }

    private static LustreLibrary library;

    private static synchronized LustreLibrary library() {
        if (library == null) {
            library = LustreLibrary.load(TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString());
        }
        return library;
    }

    private static List<RequestedFile> files(Cluster cluster, String dir, int count) throws Exception {
        LustreFids fids = new LustreFids(library());
        List<RequestedFile> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path file = cluster.mount().resolve(dir + "/f" + i);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "file " + i);
            files.add(new RequestedFile(file, fids.path2fid(file), Files.size(file)));
        }
        return files;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void batchesFitTheClientsRequestLimitAndEndedActionsAreSeenAsEnded() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            cluster.startPosixCopytool();
            HsmFiles hsm = new HsmFiles(library());
            List<RequestOutcome> outcomes = new ArrayList<>();
            BoundedHsmRequests requests = new BoundedHsmRequests(hsm, AppliedChanges.INSTANCE, cluster.mount(),
                    RequestKind.ARCHIVE, 0, 1000,
                    () -> { }, outcomes::add);
            // every archive succeeds: the files' states say so, and the coordinator is never asked
            requests.actionCheckAfter(Duration.ofHours(1));
            int files = 120;
            List<RequestedFile> toSubmit = files(cluster, "batch", files);
            long callsBefore = currentActionCalls(cluster);
            for (RequestedFile file : toSubmit) {
                requests.submit(file);
            }
            requests.finish();
            assertEquals(0, requests.actionChecks());
            assertEquals(0, currentActionCalls(cluster) - callsBefore, "llapi_hsm_current_action calls");

            assertEquals(files, outcomes.size());
            assertTrue(outcomes.stream().allMatch(o -> o.failure().isEmpty()), outcomes.toString());
            // 52 + 52 + 16 (a batch lingering 200 ms goes out early, so a loaded machine may send a few more): a batch
            // refused as too large would be replayed one file at a time, 120 more calls
            assertTrue(requests.requestsIssued() < files / 4, requests.requestsIssued() + " llapi_hsm_request calls for "
                    + files + " files");
        }
    }

    /**
     * What learning the ends costs the MDS: each file's state is read about once (the read that sees its end, and
     * a few that find it still pending), and at the bound the requests still go out full. Before, a pass ran as soon
     * as the previous one had found an end and read up to 16 files still pending each time, and at the bound every
     * few ends let a few files out, in a request of their own: 1,284 states read and 41 requests for these 300 files
     * (418 and 7 now). The actions run one at a time, so the ends come one by one, as from a busy coordinator.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void polledStatesAreReadAboutOncePerFileAndRequestsStayFullAtTheBound() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            cluster.setParam("max_requests", "1"); // ends one at a time, as fast as the copytool goes
            cluster.startPosixCopytool();
            List<RequestOutcome> outcomes = new ArrayList<>();
            BoundedHsmRequests requests = new BoundedHsmRequests(new HsmFiles(library()), AppliedChanges.INSTANCE,
                    cluster.mount(), RequestKind.ARCHIVE, 0, 100, () -> { }, outcomes::add);
            requests.actionCheckAfter(Duration.ofHours(1));
            int files = 300;
            long callsBefore = cluster.counters().getOrDefault("call.REQUEST", 0L);
            for (RequestedFile file : files(cluster, "paced", files)) {
                requests.submit(file);
            }
            requests.finish();

            LOG.info(files + " files: " + requests.requestsIssued() + " requests, " + requests.statesRead()
                    + " states read, at most " + requests.peakOutstanding() + " outstanding");
            assertEquals(files, outcomes.size());
            assertTrue(outcomes.stream().allMatch(o -> o.failure().isEmpty()), outcomes.toString());
            assertTrue(requests.peakOutstanding() <= 100, requests.peakOutstanding() + " outstanding at once");
            // full batches of 50 (half the bound): 6; a batch lingering 200 ms may go out early on a loaded machine
            assertTrue(requests.requestsIssued() <= 16, requests.requestsIssued() + " llapi_hsm_request calls for "
                    + files + " files");
            assertEquals(requests.requestsIssued(), cluster.counters().get("call.REQUEST") - callsBefore);
            // a pass finds about 64 ends, or as many as a second brings (pending reads: 16 a pass at most)
            assertTrue(requests.statesRead() < 3L * files, requests.statesRead() + " HSM states read for " + files
                    + " files");
        }
    }

    /**
     * A file that waits its turn in a queue that moves is not asked about with llapi_hsm_current_action, however long
     * it has waited since its request: here a thousand queued, one action at a time, so the files at the head have
     * waited seconds, and the check's delay is 1 s. Before, each became due 1 s after its request, and every pass
     * asked about the files it found pending at the head: 190 of these 1,000 (none now), a file in five in a loaded
     * benchmark run of 2,000.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void filesWaitingTheirTurnInAMovingQueueAreNotAskedAbout() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            cluster.setParam("max_requests", "1");
            cluster.startPosixCopytool();
            List<RequestOutcome> outcomes = new ArrayList<>();
            BoundedHsmRequests requests = new BoundedHsmRequests(new HsmFiles(library()), AppliedChanges.INSTANCE,
                    cluster.mount(), RequestKind.ARCHIVE, 0, 1000, () -> { }, outcomes::add);
            requests.actionCheckAfter(Duration.ofSeconds(1));
            int files = 1000;
            long callsBefore = currentActionCalls(cluster);
            for (RequestedFile file : files(cluster, "queued", files)) {
                requests.submit(file);
            }
            requests.finish();

            LOG.info(files + " files: " + requests.actionChecks() + " actions checked, " + requests.statesRead()
                    + " states read");
            assertEquals(files, outcomes.size());
            assertTrue(outcomes.stream().allMatch(o -> o.failure().isEmpty()), outcomes.toString());
            assertEquals(requests.actionChecks(), currentActionCalls(cluster) - callsBefore);
            // asked only after a second without any end (a stall of a loaded machine), 16 files a pass at most
            assertTrue(requests.actionChecks() < 48, requests.actionChecks() + " llapi_hsm_current_action calls");
        }
    }

    /**
     * An action that ends without a success and without a note (canceled, or failed by a copytool that leaves none)
     * is seen through llapi_hsm_current_action, the only answer left, and ends as read then (HUA_NONE, WAITING).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void actionsEndingWithoutTraceAreFoundByAskingTheCoordinator() throws Exception {
        try (Cluster cluster = Cluster.start()) { // no copytool: the requests wait until canceled
            List<RequestOutcome> outcomes = new CopyOnWriteArrayList<>();
            BoundedHsmRequests requests = quicklyAskingRequests(cluster, outcomes);
            List<RequestedFile> files = files(cluster, "canceled", 3);
            for (RequestedFile file : files) {
                requests.submit(file);
            }
            requests.sendQueued();
            for (RequestedFile file : files) {
                assertEquals(0, cluster.lfs("hsm_cancel", file.path().toString()).exitCode());
            }
            requests.finish();

            assertEquals(3, outcomes.size());
            for (RequestOutcome outcome : outcomes) {
                assertTrue(outcome.failure().orElse("").contains("not archived after its ARCHIVE request ended"),
                        outcome.toString());
            }
            assertTrue(requests.actionChecks() >= 3, requests.actionChecks() + " checks");
        }
    }

    /**
     * A failure note that appears after the request ends the file at once, without asking the coordinator; the note
     * a file already had when it was submitted (an earlier failure) does not, and the file stays outstanding until
     * its action is seen to end.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aNewFailureNoteEndsTheFileAndAnOldOneDoesNot() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            List<RequestOutcome> outcomes = new CopyOnWriteArrayList<>();
            BoundedHsmRequests requests = quicklyAskingRequests(cluster, outcomes);
            List<RequestedFile> files = files(cluster, "noted", 2);
            RequestedFile fresh = files.get(0);
            RequestedFile stale = files.get(1);
            FailureNote.of("ARCHIVE", 5, "an earlier failure").write(stale.path());
            for (RequestedFile file : files) {
                requests.submit(file);
            }
            requests.sendQueued();
            // what an agent of ours leaves before it ends a failed action; no copytool runs, so the action waits on
            FailureNote.of("ARCHIVE", 28, "no space in the archive").write(fresh.path());
            Thread finisher = new Thread(() -> {
                try {
                    requests.finish();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            finisher.start();
            Cluster.await("the fresh note's file ends", Duration.ofSeconds(60),
                    () -> outcomes.stream().anyMatch(o -> o.file().equals(fresh)), outcomes::toString);
            long calls = currentActionCalls(cluster);
            Cluster.await("the stale note's file is asked about and found waiting", Duration.ofSeconds(60),
                    () -> currentActionCalls(cluster) > calls, outcomes::toString);
            assertEquals(1, outcomes.size(), "the stale note ended nothing: " + outcomes);
            assertTrue(outcomes.get(0).failure().orElse("").contains("no space in the archive"), outcomes.toString());

            assertEquals(0, cluster.lfs("hsm_cancel", fresh.path().toString(), stale.path().toString()).exitCode());
            finisher.join(60_000);
            assertEquals(2, outcomes.size(), outcomes.toString());
        }
    }

    /**
     * A file is followed by its FID, not its path: renamed while its action waits, it still ends with success (and
     * a pass asks the MDS to look up one name, not every directory of the path).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFileRenamedWhileItsActionWaitsIsStillFollowed() throws Exception {
        try (Cluster cluster = Cluster.start()) { // the copytool starts after the rename: the actions wait till then
            List<RequestOutcome> outcomes = new CopyOnWriteArrayList<>();
            BoundedHsmRequests requests = new BoundedHsmRequests(new HsmFiles(library()), AppliedChanges.INSTANCE,
                    cluster.mount(), RequestKind.ARCHIVE, 0, 1000, () -> { }, outcomes::add);
            requests.actionCheckAfter(Duration.ofHours(1));
            List<RequestedFile> files = files(cluster, "renamed", 2);
            for (RequestedFile file : files) {
                requests.submit(file);
            }
            requests.sendQueued();
            Files.move(files.get(0).path(), files.get(0).path().resolveSibling("moved"));
            cluster.startPosixCopytool();
            requests.finish();

            assertEquals(2, outcomes.size(), outcomes.toString());
            assertTrue(outcomes.stream().allMatch(o -> o.failure().isEmpty()), outcomes.toString());
        }
    }
}

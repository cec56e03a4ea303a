package io.azlhsm.copytool.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ForwardingBackend;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.posix.PosixBackend;
import io.azlhsm.copytool.metrics.AgentMetrics;
import io.azlhsm.copytool.metrics.MeasuredBackend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests propagation added (Copy Blob, the Data Lake rename, Set Blob Metadata) go through the agent's
 * wrappers as every other request does: a copy waits in the bandwidth limiters for the bytes it writes into the
 * archive, and each is timed by kind.
 */
class PropagationRequestsTest {
    private static final StoredObject SOURCE = new StoredObject("a/b", 2_000, "\"e1\"", null, Map.of(),
            Instant.EPOCH);

    @TempDir
    Path root;

    /** Answers the three calls without a service; they are what is measured and throttled, not what they do. */
    private ArchiveBackend answering() throws ArchiveException {
        return new ForwardingBackend(new PosixBackend(root, "", 1 << 20, 4 << 20)) {
            @Override
            public StoredObject copy(StoredObject source, String target, WriteCondition condition) {
                return new StoredObject(target, source.size(), "\"e2\"", null, source.metadata(), Instant.EPOCH);
            }

            @Override
            public StoredObject rename(StoredObject source, String target, WriteCondition condition) {
                return new StoredObject(target, source.size(), "\"e3\"", null, source.metadata(), Instant.EPOCH);
            }

            @Override
            public StoredObject setMetadata(StoredObject object, Map<String, String> metadata)
                    throws ArchiveException {
                throw ArchiveException.of(ArchiveException.Kind.PRECONDITION, object.name(), "injected: ETag moved");
            }
        };
    }

    @Test
    void aCopyWaitsForItsBytesInTheArchiveDirection() throws Exception {
        AgentMetrics metrics = new AgentMetrics();
        // 1,000 B/s: the 2,000-byte copy cannot pass without waiting, however full the bucket starts
        ThrottledBackend backend = new ThrottledBackend(answering(), List.of(new BandwidthLimiter(1_000)), metrics);
        backend.rename(SOURCE, "a/c", WriteCondition.absent());
        assertNull(metrics.snapshot().counters().get("throttle_waits_total"), "a rename has no body");
        backend.copy(SOURCE, "a/c", WriteCondition.absent());
        Map<String, Long> waits = metrics.snapshot().counters().get("throttle_waits_total");
        assertEquals(1L, waits.get("archive"));
        assertTrue(metrics.snapshot().counters().get("throttle_wait_nanoseconds_total").get("archive") > 0);
    }

    @Test
    void copyRenameAndSetMetadataAreTimedByKind() throws Exception {
        AgentMetrics metrics = new AgentMetrics();
        MeasuredBackend backend = new MeasuredBackend(answering(), metrics);
        backend.copy(SOURCE, "a/c", WriteCondition.absent());
        backend.rename(SOURCE, "a/d", WriteCondition.absent());
        try {
            backend.setMetadata(SOURCE, Map.of());
        } catch (ArchiveException expected) {
            // counted as a failed request below
        }
        var latency = metrics.snapshot().blobRequestLatency();
        assertEquals(1, latency.get("copy_blob").getTotalCount());
        assertEquals(1, latency.get("rename_path").getTotalCount());
        assertEquals(1, latency.get("set_blob_metadata").getTotalCount());
        assertTrue(metrics.snapshot().counters().get("blob_request_errors_total").keySet().stream()
                .anyMatch(key -> key.startsWith("set_blob_metadata,")));
    }
}

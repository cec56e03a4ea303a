package io.azlhsm.copytool.limits;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ForwardingBackend;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.RequestPriority;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.metrics.AgentMetrics;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An archive backend whose data requests first take their bytes from bandwidth limiters: the archive's own and the
 * agent's. They wait in the limiters with the {@link RequestPriority} of the calling thread's action, so restores are
 * served first when both wait; the metrics count the wait by direction (uploads: archive, ranged reads: restore).
 * A server-side copy (a rename propagated to a flat account) takes the source's size in the archive direction: it
 * writes that many bytes of data into the archive, as an upload of the file would, so a burst of renamed directories
 * stays within the archive's limit. Requests without a body (stat, delete, list, an atomic rename, Set Blob Metadata)
 * are not throttled.
 */
public final class ThrottledBackend extends ForwardingBackend {
    private static final String UPLOAD = "archive";
    private static final String DOWNLOAD = "restore";

    private final List<BandwidthLimiter> limiters;
    private final AgentMetrics metrics;

    public ThrottledBackend(ArchiveBackend backend, List<BandwidthLimiter> limiters, AgentMetrics metrics) {
        super(backend);
        this.limiters = List.copyOf(limiters);
        this.metrics = metrics;
    }

    /** @param direction "archive" for uploads, "restore" for reads: the metrics' label */
    private void take(long bytes, String direction, String name) throws ArchiveException {
        try {
            long waited = 0;
            RequestPriority priority = RequestPriority.current();
            for (BandwidthLimiter limiter : limiters) {
                waited += limiter.acquire(bytes, priority);
            }
            if (waited > 0) {
                metrics.throttled(direction, waited);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ArchiveException.of(ArchiveException.Kind.TRANSIENT, name, "interrupted while waiting for bandwidth");
        }
    }

    @Override
    public StoredObject putWhole(String name, ByteBuffer data, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        take(data.remaining(), UPLOAD, name);
        return backend.putWhole(name, data, attributes, condition);
    }

    @Override
    protected ChunkedUpload wrapUpload(String name, ChunkedUpload upload) {
        return new ForwardingUpload(upload) {
            @Override
            public void stage(int index, ByteBuffer chunk) throws ArchiveException {
                take(chunk.remaining(), UPLOAD, name);
                upload.stage(index, chunk);
            }

            @Override
            public void stage(int index, InputStream data, long length, byte[] md5) throws ArchiveException {
                take(length, UPLOAD, name);
                upload.stage(index, data, length, md5);
            }
        };
    }

    @Override
    public StoredObject copy(StoredObject source, String target, WriteCondition condition) throws ArchiveException {
        take(source.size(), UPLOAD, target);
        return backend.copy(source, target, condition);
    }

    @Override
    public void read(String name, String expectedEtag, long offset, ByteBuffer dst) throws ArchiveException {
        take(dst.remaining(), DOWNLOAD, name);
        backend.read(name, expectedEtag, offset, dst);
    }

    @Override
    public void readVersion(String name, String versionId, long offset, ByteBuffer dst) throws ArchiveException {
        take(dst.remaining(), DOWNLOAD, name);
        backend.readVersion(name, versionId, offset, dst);
    }
}

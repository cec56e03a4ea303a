package io.azlhsm.copytool.limits;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ForwardingBackend;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.limits.BandwidthLimiter.Direction;
import io.azlhsm.copytool.metrics.AgentMetrics;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An archive backend whose data requests first take their bytes from bandwidth limiters: the archive's own and the
 * agent's. Uploads (Put Blob, Put Block) count as archive traffic, ranged reads as restore traffic, so restores are
 * served first when both wait. Requests without a body (stat, delete, list) are not throttled.
 */
public final class ThrottledBackend extends ForwardingBackend {
    private final List<BandwidthLimiter> limiters;
    private final AgentMetrics metrics;

    public ThrottledBackend(ArchiveBackend backend, List<BandwidthLimiter> limiters, AgentMetrics metrics) {
        super(backend);
        this.limiters = List.copyOf(limiters);
        this.metrics = metrics;
    }

    private void take(long bytes, Direction direction, String name) throws ArchiveException {
        try {
            long waited = 0;
            for (BandwidthLimiter limiter : limiters) {
                waited += limiter.acquire(bytes, direction);
            }
            if (waited > 0) {
                metrics.throttled(direction.name().toLowerCase(java.util.Locale.ROOT), waited);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ArchiveException.of(ArchiveException.Kind.TRANSIENT, name, "interrupted while waiting for bandwidth");
        }
    }

    @Override
    public StoredObject putWhole(String name, ByteBuffer data, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        take(data.remaining(), Direction.ARCHIVE, name);
        return backend.putWhole(name, data, attributes, condition);
    }

    @Override
    protected ChunkedUpload wrapUpload(String name, ChunkedUpload upload) {
        return new ForwardingUpload(upload) {
            @Override
            public void stage(int index, ByteBuffer chunk) throws ArchiveException {
                take(chunk.remaining(), Direction.ARCHIVE, name);
                upload.stage(index, chunk);
            }

            @Override
            public void stage(int index, InputStream data, long length, byte[] md5) throws ArchiveException {
                take(length, Direction.ARCHIVE, name);
                upload.stage(index, data, length, md5);
            }
        };
    }

    @Override
    public void read(String name, String expectedEtag, long offset, ByteBuffer dst) throws ArchiveException {
        take(dst.remaining(), Direction.RESTORE, name);
        backend.read(name, expectedEtag, offset, dst);
    }

    @Override
    public void readVersion(String name, String versionId, long offset, ByteBuffer dst) throws ArchiveException {
        take(dst.remaining(), Direction.RESTORE, name);
        backend.readVersion(name, versionId, offset, dst);
    }
}

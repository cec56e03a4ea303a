package io.azlhsm.copytool.metrics;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ForwardingBackend;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * An archive backend that times every request into {@link AgentMetrics} by kind and counts failures by HTTP status,
 * so every backend is measured the same way without measuring code inside any of them.
 */
public final class MeasuredBackend extends ForwardingBackend {
    private final AgentMetrics metrics;

    public MeasuredBackend(ArchiveBackend backend, AgentMetrics metrics) {
        super(backend);
        this.metrics = metrics;
    }

    @FunctionalInterface
    private interface Request<T> {
        T run() throws ArchiveException;
    }

    private <T> T measure(String kind, Request<T> request) throws ArchiveException {
        long start = System.nanoTime();
        try {
            T result = request.run();
            metrics.blobRequest(kind, System.nanoTime() - start, true, 0);
            return result;
        } catch (ArchiveException e) {
            metrics.blobRequest(kind, System.nanoTime() - start, false, e.httpStatus());
            throw e;
        }
    }

    @Override
    public StoredObject putWhole(String name, ByteBuffer data, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        return measure("put_blob", () -> backend.putWhole(name, data, attributes, condition));
    }

    @Override
    protected ChunkedUpload wrapUpload(String name, ChunkedUpload upload) {
        return new ForwardingUpload(upload) {
            @Override
            public void stage(int index, ByteBuffer chunk) throws ArchiveException {
                measure("put_block", () -> {
                    upload.stage(index, chunk);
                    return null;
                });
            }

            @Override
            public void stage(int index, InputStream data, long length, byte[] md5) throws ArchiveException {
                measure("put_block", () -> {
                    upload.stage(index, data, length, md5);
                    return null;
                });
            }

            @Override
            public StoredObject commit(int chunkCount, ObjectAttributes attributes, WriteCondition condition)
                    throws ArchiveException {
                return measure("put_block_list", () -> upload.commit(chunkCount, attributes, condition));
            }
        };
    }

    @Override
    public Optional<StoredObject> stat(String name) throws ArchiveException {
        return measure("get_properties", () -> backend.stat(name));
    }

    @Override
    public void read(String name, String expectedEtag, long offset, ByteBuffer dst) throws ArchiveException {
        measure("get_blob_range", () -> {
            backend.read(name, expectedEtag, offset, dst);
            return null;
        });
    }

    @Override
    public void readVersion(String name, String versionId, long offset, ByteBuffer dst) throws ArchiveException {
        measure("get_blob_range", () -> {
            backend.readVersion(name, versionId, offset, dst);
            return null;
        });
    }

    @Override
    public String preserve(String name, String etag) throws ArchiveException {
        return measure("snapshot_blob", () -> backend.preserve(name, etag));
    }

    @Override
    public boolean delete(String name, String expectedEtag) throws ArchiveException {
        return measure("delete_blob", () -> backend.delete(name, expectedEtag));
    }

    @Override
    public Optional<String> findPreserved(String name, String etag) throws ArchiveException {
        return measure("list_snapshots", () -> backend.findPreserved(name, etag));
    }

    @Override
    public boolean deleteVersion(String name, String versionId) throws ArchiveException {
        return measure("delete_snapshot", () -> backend.deleteVersion(name, versionId));
    }

    @Override
    public StoredObject copy(StoredObject source, String target, WriteCondition condition) throws ArchiveException {
        return measure("copy_blob", () -> backend.copy(source, target, condition));
    }

    @Override
    public StoredObject rename(StoredObject source, String target, WriteCondition condition)
            throws ArchiveException {
        return measure("rename_path", () -> backend.rename(source, target, condition));
    }

    @Override
    public StoredObject setMetadata(StoredObject object, java.util.Map<String, String> metadata)
            throws ArchiveException {
        return measure("set_blob_metadata", () -> backend.setMetadata(object, metadata));
    }

    @Override
    public List<String> findByFid(String fid) throws ArchiveException {
        return measure("find_blobs_by_tags", () -> backend.findByFid(fid));
    }

    @Override
    public ObjectListing list(String prefix, String continuationToken, int pageSize) throws ArchiveException {
        return measure("list_blobs", () -> backend.list(prefix, continuationToken, pageSize));
    }

    @Override
    public void putMarker(String name, ObjectAttributes attributes) throws ArchiveException {
        measure("put_marker", () -> {
            backend.putMarker(name, attributes);
            return null;
        });
    }

    @Override
    public boolean rehydrate(String name) throws ArchiveException {
        return measure("set_tier", () -> backend.rehydrate(name));
    }

    @Override
    public int setTier(String name, io.azlhsm.copytool.archive.StorageTier tier) throws ArchiveException {
        return measure("set_tier", () -> backend.setTier(name, tier));
    }
}

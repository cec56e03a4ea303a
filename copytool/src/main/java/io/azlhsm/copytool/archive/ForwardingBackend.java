package io.azlhsm.copytool.archive;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A backend that passes every call to another one: the base of decorators (measuring, throttling) that override only
 * the calls they change. {@link #wrapUpload} lets a decorator wrap the chunked uploads it hands out as well.
 */
public abstract class ForwardingBackend implements ArchiveBackend {
    protected final ArchiveBackend backend;

    protected ForwardingBackend(ArchiveBackend backend) {
        this.backend = backend;
    }

    /** The upload this decorator hands out for one the wrapped backend began; unchanged by default. */
    protected ChunkedUpload wrapUpload(String name, ChunkedUpload upload) {
        return upload;
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    @Override
    public ChecksumAlgorithm checksumAlgorithm() {
        return backend.checksumAlgorithm();
    }

    @Override
    public boolean carriesPosixAcls() {
        return backend.carriesPosixAcls();
    }

    @Override
    public long singleRequestLimit() {
        return backend.singleRequestLimit();
    }

    @Override
    public long chunkSize(long fileSize) throws ArchiveException {
        return backend.chunkSize(fileSize);
    }

    @Override
    public String objectName(String relativePath) throws ArchiveException {
        return backend.objectName(relativePath);
    }

    @Override
    public String relativePath(String objectName) throws ArchiveException {
        return backend.relativePath(objectName);
    }

    @Override
    public StoredObject putWhole(String name, ByteBuffer data, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        return backend.putWhole(name, data, attributes, condition);
    }

    @Override
    public Appended createAppendable(String name, java.util.Map<String, String> metadata, WriteCondition condition)
            throws ArchiveException {
        return backend.createAppendable(name, metadata, condition);
    }

    @Override
    public Appended append(String name, ByteBuffer data, long position, String etag) throws ArchiveException {
        return backend.append(name, data, position, etag);
    }

    @Override
    public int maxAppendBytes() {
        return backend.maxAppendBytes();
    }

    @Override
    public long maxAppends() {
        return backend.maxAppends();
    }

    @Override
    public ChunkedUpload beginUpload(String name, long size, long chunkSize) throws ArchiveException {
        return wrapUpload(name, backend.beginUpload(name, size, chunkSize));
    }

    @Override
    public ChunkedUpload beginUpload(String name, long size, long chunkSize, UploadKey key) throws ArchiveException {
        return wrapUpload(name, backend.beginUpload(name, size, chunkSize, key));
    }

    @Override
    public Optional<StoredObject> stat(String name) throws ArchiveException {
        return backend.stat(name);
    }

    @Override
    public void read(String name, String expectedEtag, long offset, ByteBuffer dst) throws ArchiveException {
        backend.read(name, expectedEtag, offset, dst);
    }

    @Override
    public boolean delete(String name, String expectedEtag) throws ArchiveException {
        return backend.delete(name, expectedEtag);
    }

    @Override
    public String preserve(String name, String etag) throws ArchiveException {
        return backend.preserve(name, etag);
    }

    @Override
    public Optional<String> findPreserved(String name, String etag) throws ArchiveException {
        return backend.findPreserved(name, etag);
    }

    @Override
    public void readVersion(String name, String versionId, long offset, ByteBuffer dst) throws ArchiveException {
        backend.readVersion(name, versionId, offset, dst);
    }

    @Override
    public PreservedListing listPreserved(String prefix, String continuationToken, int pageSize)
            throws ArchiveException {
        return backend.listPreserved(prefix, continuationToken, pageSize);
    }

    @Override
    public boolean deleteVersion(String name, String versionId) throws ArchiveException {
        return backend.deleteVersion(name, versionId);
    }

    @Override
    public List<String> findByFid(String fid) throws ArchiveException {
        return backend.findByFid(fid);
    }

    @Override
    public StoredObject copy(StoredObject source, String target, WriteCondition condition) throws ArchiveException {
        return backend.copy(source, target, condition);
    }

    @Override
    public boolean renamesAtomically() {
        return backend.renamesAtomically();
    }

    @Override
    public StoredObject rename(StoredObject source, String target, WriteCondition condition)
            throws ArchiveException {
        return backend.rename(source, target, condition);
    }

    @Override
    public StoredObject setMetadata(StoredObject object, java.util.Map<String, String> metadata)
            throws ArchiveException {
        return backend.setMetadata(object, metadata);
    }

    @Override
    public ObjectListing list(String prefix, String continuationToken, int pageSize) throws ArchiveException {
        return backend.list(prefix, continuationToken, pageSize);
    }

    @Override
    public void putMarker(String name, ObjectAttributes attributes) throws ArchiveException {
        backend.putMarker(name, attributes);
    }

    @Override
    public TierSettings tierSettings() {
        return backend.tierSettings();
    }

    @Override
    public boolean rehydrate(String name) throws ArchiveException {
        return backend.rehydrate(name);
    }

    @Override
    public int setTier(String name, StorageTier tier) throws ArchiveException {
        return backend.setTier(name, tier);
    }

    @Override
    public int requestsWaiting(RequestPriority priority) {
        return backend.requestsWaiting(priority);
    }

    @Override
    public void close() {
        backend.close();
    }

    /** An upload that passes every call on; decorators override what they change. */
    public abstract static class ForwardingUpload implements ChunkedUpload {
        protected final ChunkedUpload upload;

        protected ForwardingUpload(ChunkedUpload upload) {
            this.upload = upload;
        }

        @Override
        public void stage(int index, ByteBuffer chunk) throws ArchiveException {
            upload.stage(index, chunk);
        }

        @Override
        public void stage(int index, InputStream data, long length, byte[] md5) throws ArchiveException {
            upload.stage(index, data, length, md5);
        }

        @Override
        public StoredObject commit(int chunkCount, ObjectAttributes attributes, WriteCondition condition)
                throws ArchiveException {
            return upload.commit(chunkCount, attributes, condition);
        }

        @Override
        public long resumedBytes() {
            return upload.resumedBytes();
        }

        @Override
        public void abort() {
            upload.abort();
        }
    }
}

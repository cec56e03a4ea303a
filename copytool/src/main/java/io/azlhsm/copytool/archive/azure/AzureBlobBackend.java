package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.AppendBlobItem;
import com.azure.storage.blob.models.AppendBlobRequestConditions;
import com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.RehydratePriority;
import com.azure.storage.blob.models.TaggedBlobItem;
import com.azure.storage.blob.options.AppendBlobCreateOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobSetAccessTierOptions;
import com.azure.storage.blob.options.BlockBlobListBlocksOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.FindBlobsOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.azlhsm.copytool.archive.Appended;
import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendSecret;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.ChunkLayout;
import io.azlhsm.copytool.archive.ChunkSizing;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ContentMd5;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.ObjectNames;
import io.azlhsm.copytool.archive.ObjectTier;
import io.azlhsm.copytool.archive.PreservedListing;
import io.azlhsm.copytool.archive.PreservedVersion;
import io.azlhsm.copytool.archive.PriorityPermits;
import io.azlhsm.copytool.archive.RequestPriority;
import io.azlhsm.copytool.archive.RetryListener;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.TierSettings;
import io.azlhsm.copytool.archive.UploadKey;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.MetadataLimits;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The product's archive: block blobs in one Azure container.
 *
 * <p>Small files are one Put Blob (data, Content-MD5 checked by the service, metadata); large files are staged as
 * blocks with per-block Content-MD5 (checked by the service) and committed once with metadata and the whole file's
 * Content-MD5. Reads are ranged GETs with If-Match, streamed straight into the caller's buffer. Whole small objects
 * (Put Blob and GETs up to 1 MiB) go through OkHttp, the rest through the JDK's HttpClient ({@link AzureTransports}).
 * Transient failures are retried by the SDK's exponential policy ({@link BackendSettings.RetrySettings}); what is
 * left is classified by {@link AzureErrors}. At most {@code maxConcurrency} requests are in flight through one
 * backend: further callers wait, which is the back-pressure the pipeline expects, restores first
 * ({@link PriorityPermits}: one slot is kept for restores, and a waiting restore takes the next free one), by the
 * {@link RequestPriority} of the calling thread.
 */
public final class AzureBlobBackend implements ArchiveBackend {
    /** Committed blocks per blob. */
    public static final long MAX_BLOCKS = 50_000;
    /**
     * Largest stageBlock: 4,000 MiB. Blocks above a ByteBuffer's 2,047 MiB are only ever staged from a stream (the
     * archive grows blocks that large for files above 50,000 x 2,047 MiB, up to 50,000 x 4,000 MiB = ~190.7 TiB).
     */
    public static final long MAX_BLOCK_SIZE = 4000 * ChunkSizing.MIB;
    /** Largest single Put Blob: 5,000 MiB (the buffer limit binds first). */
    public static final long MAX_PUT_BLOB_SIZE = 5000 * ChunkSizing.MIB;
    /** Most results the service returns per listing page. */
    public static final int MAX_PAGE_SIZE = 5000;

    private static final System.Logger LOG = System.getLogger(AzureBlobBackend.class.getName());

    private final AzureContainerClients clients;
    private final ObjectNames names;
    private final ChunkSizing sizing;
    private final long singleRequestLimit;
    private final PriorityPermits requestPermits;
    private final int downloadResumes;
    private final boolean createContainer;
    private volatile boolean containerChecked;
    private final ReentrantLock containerLock = new ReentrantLock();
    private final FidTags fidTags = new FidTags();
    private final TierSettings tiers;
    private final BackendSecret copySourceSas;

    /** A backend with the production HTTP clients ({@link AzureHttpClients#create}). */
    public static AzureBlobBackend create(BackendSettings settings) {
        return create(settings, RetryListener.NONE);
    }

    /** As {@link #create(BackendSettings)}, telling {@code retries} about each attempt the SDK repeats. */
    public static AzureBlobBackend create(BackendSettings settings, RetryListener retries) {
        return new AzureBlobBackend(settings, AzureHttpClients.create(settings.maxConcurrency()), retries);
    }

    /** A backend whose every request goes through the given HTTP client (tests inject faults; benchmarks compare). */
    public AzureBlobBackend(BackendSettings settings, HttpClient httpClient) {
        this(settings, AzureTransports.only(httpClient), RetryListener.NONE);
    }

    /** A backend over the given transports (tests watch which request takes which). */
    public AzureBlobBackend(BackendSettings settings, AzureTransports transports) {
        this(settings, transports, RetryListener.NONE);
    }

    private AzureBlobBackend(BackendSettings settings, AzureTransports transports, RetryListener retries) {
        this.clients = AzureContainerClients.create(settings, transports, retries);
        this.names = new ObjectNames(settings.prefix());
        this.sizing = new ChunkSizing(settings.chunkSize(), MAX_BLOCKS, MAX_BLOCK_SIZE);
        this.singleRequestLimit = Math.min(settings.singlePutLimit(),
                Math.min(MAX_PUT_BLOB_SIZE, ChunkSizing.MAX_BUFFER_CHUNK));
        this.requestPermits = new PriorityPermits(settings.maxConcurrency());
        this.downloadResumes = settings.retry().maxTries() - 1;
        this.createContainer = settings.createContainer();
        this.tiers = settings.tiers();
        this.copySourceSas = copySourceSas(settings);
    }

    /**
     * The SAS a Copy Blob's source URL must carry when this archive signs its requests with one (a SAS on the copy
     * request authorizes the write, not the read of the source); null with an account key or an Entra identity,
     * which authorize the read of a source in the same account themselves.
     */
    private static BackendSecret copySourceSas(BackendSettings settings) {
        if (settings.connectionString() != null) {
            for (String part : settings.connectionString().reveal().split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equals("SharedAccessSignature")) {
                    return BackendSecret.of(part.substring(eq + 1).trim());
                }
            }
            return null;
        }
        return settings.identity() == null && settings.accountKey() == null ? settings.sasToken() : null;
    }

    /** The SDK clients, for the Data Lake side of a hierarchical-namespace account (same account, same auth). */
    AzureContainerClients clients() {
        return clients;
    }

    @Override
    public String describe() {
        return "azure " + clients.description() + " prefix=" + names.prefix();
    }

    @Override
    public long singleRequestLimit() {
        return singleRequestLimit;
    }

    @Override
    public long chunkSize(long fileSize) throws ArchiveException {
        return sizing.chunkSize(fileSize);
    }

    @Override
    public String objectName(String relativePath) throws ArchiveException {
        return names.objectName(relativePath);
    }

    @Override
    public String relativePath(String objectName) throws ArchiveException {
        return names.relativePath(objectName);
    }

    @Override
    public StoredObject putWhole(String name, ByteBuffer data, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        ObjectNames.validate(name);
        MetadataLimits.check(name, attributes.metadata());
        if (data.remaining() > singleRequestLimit) {
            throw ArchiveException.of(Kind.INVALID, name, data.remaining()
                    + " bytes exceed the single-request limit of " + singleRequestLimit + "; use beginUpload");
        }
        byte[] md5 = attributes.contentMd5();
        long size = data.remaining();
        BlockBlobItem item = tagged(name, attributes, tags -> {
            BlockBlobSimpleUploadOptions options =
                    new BlockBlobSimpleUploadOptions(BinaryData.fromByteBuffer(data.duplicate()))
                            .setHeaders(new BlobHttpHeaders().setContentMd5(md5))
                            .setMetadata(attributes.metadata())
                            .setTags(tags)
                            .setTier(accessTier(attributes))
                            .setRequestConditions(conditions(condition))
                            .setContentMd5(md5); // transactional: the service refuses the body if it does not match
            return call(name, "Put Blob", () -> clients.forUpload(size).sync().getBlobClient(name)
                    .getBlockBlobClient().uploadWithResponse(options, null, Context.NONE).getValue());
        });
        return new StoredObject(name, size, etag(item.getETag()), md5, attributes.metadata(),
                instant(item.getLastModified()));
    }

    /** Blocks per append blob. */
    public static final long MAX_APPEND_BLOCKS = 50_000;
    /** Largest Append Block. */
    public static final int MAX_APPEND_BLOCK_SIZE = 4 << 20;

    /** Create Append Blob (a new, empty one; replaces the object the condition names). */
    @Override
    public Appended createAppendable(String name, Map<String, String> metadata, WriteCondition condition)
            throws ArchiveException {
        ObjectNames.validate(name);
        MetadataLimits.check(name, metadata);
        AppendBlobCreateOptions options = new AppendBlobCreateOptions().setMetadata(metadata)
                .setRequestConditions(conditions(condition));
        AppendBlobItem item = call(name, "Create Append Blob", () -> clients.sync().getBlobClient(name)
                .getAppendBlobClient().createWithResponse(options, null, Context.NONE).getValue());
        return new Appended(etag(item.getETag()), 0, 0);
    }

    /**
     * Append Block with If-Match and the append-position condition, and the block's Content-MD5 (checked by the
     * service). A retry of a block the service did take fails the conditions (412) instead of appending it twice.
     */
    @Override
    public Appended append(String name, ByteBuffer data, long position, String etag) throws ArchiveException {
        ObjectNames.validate(name);
        int length = data.remaining();
        if (length == 0 || length > MAX_APPEND_BLOCK_SIZE) {
            throw ArchiveException.of(Kind.INVALID, name, "an append takes 1 to " + MAX_APPEND_BLOCK_SIZE
                    + " bytes, not " + length);
        }
        byte[] bytes = new byte[length];
        data.duplicate().get(bytes);
        byte[] md5 = ContentMd5.of(ByteBuffer.wrap(bytes));
        AppendBlobRequestConditions conditions = new AppendBlobRequestConditions().setAppendPosition(position);
        conditions.setIfMatch(etag);
        AppendBlobItem item = call(name, "Append Block", () -> clients.sync().getBlobClient(name)
                .getAppendBlobClient().appendBlockWithResponse(new java.io.ByteArrayInputStream(bytes), length, md5,
                        conditions, null, Context.NONE).getValue());
        Integer blocks = item.getBlobCommittedBlockCount();
        return new Appended(etag(item.getETag()), position + length, blocks == null ? 0 : blocks);
    }

    @Override
    public int maxAppendBytes() {
        return MAX_APPEND_BLOCK_SIZE;
    }

    @Override
    public long maxAppends() {
        return MAX_APPEND_BLOCKS;
    }

    /**
     * A write carrying the {@link FidTags FID tag}; repeated once untagged when the account may be refusing tags.
     */
    <T> T tagged(String name, ObjectAttributes attributes, TaggedWrite<T> write) throws ArchiveException {
        Map<String, String> tags = fidTags.tagsFor(attributes.metadata());
        if (tags == null) {
            return write.run(null);
        }
        try {
            return write.run(tags);
        } catch (ArchiveException refused) {
            if (!fidTags.worthRetryingUntagged(refused)) {
                throw refused;
            }
            T written = write.run(null); // fails as the tagged one did when the tags were not the problem
            fidTags.disable(name, refused);
            return written;
        }
    }

    /**
     * The tier a write asks for ({@code x-ms-access-tier} on Put Blob or Put Block List): the configured one for a
     * file's data, none (the account's default) for anything else or when none is configured.
     */
    AccessTier accessTier(ObjectAttributes attributes) {
        if (!attributes.fileData() || tiers.accessTier().isEmpty()) {
            return null;
        }
        return AccessTier.fromString(tiers.accessTier().get().serviceName());
    }

    @Override
    public TierSettings tierSettings() {
        return tiers;
    }

    /**
     * Set Blob Tier to the configured online tier with {@code x-ms-rehydrate-priority}. The service answers 202 when it
     * starts a rehydration from the Archive tier (the blob reads as Archive, with {@code x-ms-archive-status:
     * rehydrate-pending-to-<tier>}, until it is done), 200 when the blob was online already, and 409
     * BlobBeingRehydrated when a rehydration is under way. A tier change keeps the blob's ETag, so the identity a
     * file's record holds stays valid.
     */
    @Override
    public boolean rehydrate(String name) throws ArchiveException {
        ObjectNames.validate(name);
        BlobSetAccessTierOptions options = new BlobSetAccessTierOptions(
                AccessTier.fromString(tiers.rehydrateTier().serviceName()))
                .setPriority(tiers.highPriority() ? RehydratePriority.HIGH : RehydratePriority.STANDARD);
        return call(name, "Set Blob Tier (" + tiers.rehydrateTier().serviceName() + ", " + tiers.priorityName()
                + " priority)", () -> {
                    try {
                        return clients.sync().getBlobClient(name)
                                .setAccessTierWithResponse(options, null, Context.NONE).getStatusCode() == 202;
                    } catch (BlobStorageException e) {
                        if (BlobErrorCode.BLOB_BEING_REHYDRATED.equals(e.getErrorCode())) {
                            return false;
                        }
                        throw e;
                    }
                });
    }

    /**
     * Set Blob Tier to {@code tier}, for the tier job. The REST reference: the operation "does not update the blob's
     * ETag" (so the record's ETag, which a restore reads If-Match, stays valid), and it takes a lease id and an
     * {@code x-ms-if-tags} condition but no If-Match: the job's Get Blob Properties just before is the only guard.
     */
    @Override
    public int setTier(String name, io.azlhsm.copytool.archive.StorageTier tier) throws ArchiveException {
        ObjectNames.validate(name);
        BlobSetAccessTierOptions options = new BlobSetAccessTierOptions(AccessTier.fromString(tier.serviceName()));
        return call(name, "Set Blob Tier (" + tier.serviceName() + ")", () -> clients.sync().getBlobClient(name)
                .setAccessTierWithResponse(options, null, Context.NONE).getStatusCode());
    }

    static ObjectTier tier(AccessTier accessTier, Object archiveStatus, Object rehydratePriority) {
        return new ObjectTier(accessTier == null ? null : accessTier.toString(),
                archiveStatus == null ? null : archiveStatus.toString(),
                rehydratePriority == null ? null : rehydratePriority.toString());
    }

    /**
     * Copy Blob within the container (x-ms-copy-source, its read authorized by this client's own account key or Entra
     * identity, the source being in the same account, or by the archive's SAS appended to the source URL) with {@code x-ms-source-if-match} on the source's ETag and the write condition on the
     * target, carrying the FID tag as a write does and keeping the source's online tier; then waits for the copy to
     * complete (on Azure a copy in one account is usually done at once; Azurite's always is). The metadata and
     * Content-MD5 travel with the copy.
     */
    @Override
    public StoredObject copy(StoredObject source, String target, WriteCondition condition) throws ArchiveException {
        ObjectNames.validate(source.name());
        ObjectNames.validate(target);
        if (source.tier().offline()) {
            throw ArchiveException.of(Kind.INVALID, source.name(), "is in the " + source.tier().display()
                    + " tier: it cannot be copied until it is rehydrated");
        }
        String sourceUrl = clients.sync().getBlobClient(source.name()).getBlobUrl();
        if (copySourceSas != null) {
            String sas = copySourceSas.reveal();
            sourceUrl += (sourceUrl.contains("?") ? "&" : "?") + (sas.startsWith("?") ? sas.substring(1) : sas);
        }
        String from = sourceUrl;
        AccessTier tier = source.tier().accessTier() == null ? null : AccessTier.fromString(source.tier().accessTier());
        String status = tagged(target, new ObjectAttributes(null, source.metadata()), tags -> {
            BlobBeginCopyOptions options = new BlobBeginCopyOptions(from)
                    .setSourceRequestConditions(new BlobBeginCopySourceRequestConditions().setIfMatch(source.etag()))
                    .setDestinationRequestConditions(conditions(condition))
                    .setTags(tags)
                    .setTier(tier)
                    .setPollInterval(java.time.Duration.ofSeconds(1));
            return call(target, "Copy Blob from " + source.name(), () -> {
                SyncPoller<BlobCopyInfo, Void> poller = clients.sync().getBlobClient(target).beginCopy(options);
                PollResponse<BlobCopyInfo> done = poller.waitForCompletion();
                BlobCopyInfo info = done.getValue();
                return done.getStatus() == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED ? "success"
                        : (info == null ? done.getStatus().toString() : info.getCopyStatus() + " "
                        + info.getError());
            });
        });
        if (!"success".equals(status)) {
            throw ArchiveException.of(Kind.TRANSIENT, target, "the copy from " + source.name() + " did not complete: "
                    + status);
        }
        return stat(target).orElseThrow(() -> ArchiveException.of(Kind.TRANSIENT, target,
                "gone right after it was copied from " + source.name()));
    }

    /** Set Blob Metadata with If-Match: the data, Content-MD5, tier and tags stay; the ETag changes. */
    @Override
    public StoredObject setMetadata(StoredObject object, Map<String, String> metadata) throws ArchiveException {
        ObjectNames.validate(object.name());
        MetadataLimits.check(object.name(), metadata);
        var response = call(object.name(), "Set Blob Metadata", () -> clients.sync().getBlobClient(object.name())
                .setMetadataWithResponse(metadata, new BlobRequestConditions().setIfMatch(object.etag()), null,
                        Context.NONE));
        String etag = etag(response.getHeaders().getValue(com.azure.core.http.HttpHeaderName.ETAG));
        String modified = response.getHeaders().getValue(com.azure.core.http.HttpHeaderName.LAST_MODIFIED);
        return new StoredObject(object.name(), object.size(), etag, object.contentMd5(), metadata,
                modified == null ? object.lastModified()
                        : java.time.ZonedDateTime.parse(modified,
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant(), object.tier());
    }

    /** A write given its tags (null for none). */
    @FunctionalInterface
    interface TaggedWrite<T> {
        T run(Map<String, String> tags) throws ArchiveException;
    }

    /**
     * Find Blobs by Tags on the container: the blobs under this archive's prefix tagged with the FID. The service's
     * tag index is updated shortly after a write (seconds on Azure), which a REMOVE of a file archived earlier does not
     * notice.
     */
    @Override
    public List<String> findByFid(String fid) throws ArchiveException {
        FindBlobsOptions options = new FindBlobsOptions(FidTags.query(fid));
        List<String> found = call(fid, "Find Blobs by Tags", () -> {
            List<String> names = new ArrayList<>();
            for (TaggedBlobItem item : clients.sync().findBlobsByTags(options, null, Context.NONE)) {
                names.add(item.getName());
            }
            return names;
        });
        List<String> ours = new ArrayList<>(found.size());
        for (String name : found) {
            try {
                names.relativePath(name);
                ours.add(name);
            } catch (ArchiveException outsideThePrefix) {
                // another archive's blob in the same container: not this archive's to remove
            }
        }
        return ours;
    }

    @Override
    public ChunkedUpload beginUpload(String name, long size, long chunkSize) throws ArchiveException {
        return begin(name, size, chunkSize, BlockIds.unique(), Map.of());
    }

    /**
     * An upload whose block ids are deterministic for the file version and block size, which first asks for the
     * blob's uncommitted blocks (Get Block List, blocklisttype=uncommitted) so that blocks an earlier attempt staged
     * are not sent again.
     */
    @Override
    public ChunkedUpload beginUpload(String name, long size, long chunkSize, UploadKey key) throws ArchiveException {
        ObjectNames.validate(name);
        return begin(name, size, chunkSize, BlockIds.of(key, chunkSize), uncommittedBlocks(name));
    }

    private ChunkedUpload begin(String name, long size, long chunkSize, BlockIds ids, Map<String, Long> staged)
            throws ArchiveException {
        ObjectNames.validate(name);
        if (chunkSize > MAX_BLOCK_SIZE) {
            throw ArchiveException.of(Kind.TOO_LARGE, name, "blocks are at most " + MAX_BLOCK_SIZE + " bytes");
        }
        ChunkLayout layout = ChunkLayout.of(name, size, chunkSize, MAX_BLOCKS);
        return new AzureChunkedUpload(this, layout, blockBlob(name), ids, staged);
    }

    /**
     * The blob's staged, uncommitted blocks, id to size; none when there is no such blob, or when they cannot be
     * listed (the upload then sends every block, as it would have without them: resuming is an optimisation only).
     */
    private Map<String, Long> uncommittedBlocks(String name) {
        try {
            return listUncommitted(name);
        } catch (ArchiveException e) {
            LOG.log(System.Logger.Level.INFO, "{0}: cannot list its uncommitted blocks ({1}); sending every block",
                    name, e.getMessage());
            return Map.of();
        }
    }

    private Map<String, Long> listUncommitted(String name) throws ArchiveException {
        return call(name, "Get Block List (uncommitted)", () -> {
            try {
                BlockList list = blockBlob(name).listBlocksWithResponse(
                        new BlockBlobListBlocksOptions(BlockListType.UNCOMMITTED), null, Context.NONE).getValue();
                Map<String, Long> blocks = new HashMap<>();
                if (list.getUncommittedBlocks() != null) {
                    for (Block block : list.getUncommittedBlocks()) {
                        blocks.put(block.getName(), block.getSizeLong());
                    }
                }
                return blocks;
            } catch (BlobStorageException e) {
                if (isMissingBlob(e)) {
                    return Map.<String, Long>of();
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<StoredObject> stat(String name) throws ArchiveException {
        ObjectNames.validate(name);
        BlobProperties properties = call(name, "Get Blob Properties", () -> {
            try {
                return blockBlob(name).getPropertiesWithResponse(null, null, Context.NONE).getValue();
            } catch (BlobStorageException e) {
                if (isMissingBlob(e)) {
                    return null;
                }
                throw e;
            }
        });
        return properties == null ? Optional.empty()
                : Optional.of(new StoredObject(name, properties.getBlobSize(), etag(properties.getETag()),
                        properties.getContentMd5(), properties.getMetadata(), instant(properties.getLastModified()),
                        tier(properties.getAccessTier(), properties.getArchiveStatus(),
                                properties.getRehydratePriority())));
    }

    @Override
    public void read(String name, String expectedEtag, long offset, ByteBuffer dst) throws ArchiveException {
        ObjectNames.validate(name);
        readFrom(clients.forDownload().async().getBlobAsyncClient(name), name, expectedEtag, offset, dst);
    }

    private void readFrom(com.azure.storage.blob.BlobAsyncClient blob, String name, String expectedEtag, long offset,
                          ByteBuffer dst) throws ArchiveException {
        if (offset < 0) {
            throw ArchiveException.of(Kind.INVALID, name, "negative offset " + offset);
        }
        if (!dst.hasRemaining()) {
            return;
        }
        long wanted = dst.remaining();
        BlobRequestConditions conditions = new BlobRequestConditions().setIfMatch(expectedEtag);
        DownloadRetryOptions resumes = new DownloadRetryOptions().setMaxRetryRequests(downloadResumes);
        ByteBuffer target = dst.duplicate();
        AtomicLong surplus = new AtomicLong();
        // An interrupted wait (the action was canceled) disposes the download, but bytes already on their way may
        // still be delivered on the client's thread: once this method returns, the caller's buffer may hold another
        // file's chunk, so nothing is written into it after that.
        Object bufferLock = new Object();
        boolean[] returned = {false};
        try {
            call(name, "Get Blob (range " + offset + "+" + wanted + ")", () -> blob
                    .downloadStreamWithResponse(new BlobRange(offset, wanted), resumes, conditions, false)
                    .flatMapMany(response -> response.getValue())
                    .doOnNext(received -> {
                        synchronized (bufferLock) {
                            if (returned[0]) {
                                return;
                            }
                            if (received.remaining() > target.remaining()) {
                                surplus.addAndGet(received.remaining() - target.remaining());
                                received.limit(received.position() + target.remaining());
                            }
                            target.put(received);
                        }
                    })
                    .blockLast());
        } finally {
            synchronized (bufferLock) {
                returned[0] = true;
            }
        }
        if (surplus.get() > 0) {
            throw ArchiveException.of(Kind.CORRUPT, name, "the service sent " + surplus.get()
                    + " bytes more than the range of " + wanted + " asked for");
        }
        if (target.hasRemaining()) {
            throw ArchiveException.of(Kind.CORRUPT, name, "the object ends at byte " + (offset + target.position()
                    - dst.position()) + ", before the " + target.remaining() + " bytes still wanted");
        }
        dst.position(target.position());
    }

    @Override
    public boolean delete(String name, String expectedEtag) throws ArchiveException {
        ObjectNames.validate(name);
        try {
            return call(name, "Delete Blob", () -> {
                try {
                    blockBlob(name).deleteWithResponse(null, new BlobRequestConditions().setIfMatch(expectedEtag),
                            null, Context.NONE);
                    return true;
                } catch (BlobStorageException e) {
                    if (isMissingBlob(e)) {
                        return false;
                    }
                    throw e;
                }
            });
        } catch (ArchiveException e) {
            // Azurite answers If-Match on a missing blob with 412, not 404: gone is gone, not a conflict.
            if (e.kind() == Kind.PRECONDITION && expectedEtag != null && stat(name).isEmpty()) {
                return false;
            }
            throw e;
        }
    }

    /** A blob snapshot, taken only of the version with that ETag; the snapshot keeps the version's ETag. */
    @Override
    public String preserve(String name, String etag) throws ArchiveException {
        ObjectNames.validate(name);
        Optional<String> kept = findPreserved(name, etag);
        if (kept.isPresent()) {
            return kept.get();
        }
        return call(name, "Snapshot Blob", () -> blockBlob(name).createSnapshotWithResponse(null,
                new BlobRequestConditions().setIfMatch(etag), null, Context.NONE).getValue().getSnapshotId());
    }

    /** Lists the name's snapshots (a rare path: a restore whose recorded version was replaced). */
    @Override
    public Optional<String> findPreserved(String name, String etag) throws ArchiveException {
        ObjectNames.validate(name);
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(name)
                .setDetails(new BlobListDetails().setRetrieveSnapshots(true));
        return call(name, "List Blobs (snapshots)", () -> {
            for (BlobItem item : clients.sync().listBlobs(options, null)) {
                if (item.getName().equals(name) && item.getSnapshot() != null
                        && etag.equals(etag(item.getProperties().getETag()))) {
                    return Optional.of(item.getSnapshot());
                }
                if (item.getName().compareTo(name) > 0 && !item.getName().startsWith(name)) {
                    break;
                }
            }
            return Optional.<String>empty();
        });
    }

    @Override
    public void readVersion(String name, String versionId, long offset, ByteBuffer dst) throws ArchiveException {
        ObjectNames.validate(name);
        readFrom(clients.forDownload().async().getBlobAsyncClient(name, versionId),
                name + " (snapshot " + versionId + ")", null, offset, dst);
    }

    /**
     * Lists the prefix with snapshots (include=snapshots,metadata: every blob of the prefix passes, its snapshots
     * just before it) and keeps the snapshots. The snapshot id is the time it was taken.
     */
    @Override
    public PreservedListing listPreserved(String prefix, String continuationToken, int pageSize)
            throws ArchiveException {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw ArchiveException.of(Kind.INVALID, prefix, "page size must be 1.." + MAX_PAGE_SIZE + ": " + pageSize);
        }
        ListBlobsOptions options = new ListBlobsOptions()
                .setPrefix(prefix == null || prefix.isEmpty() ? null : prefix)
                .setMaxResultsPerPage(pageSize)
                .setDetails(new BlobListDetails().setRetrieveMetadata(true).setRetrieveSnapshots(true));
        PagedResponse<BlobItem> page = call(prefix, "List Blobs (snapshots)", () -> clients.sync()
                .listBlobs(options, continuationToken, null).iterableByPage(continuationToken, pageSize)
                .iterator().next());
        List<PreservedVersion> versions = new ArrayList<>();
        for (BlobItem item : page.getValue()) {
            if (item.getSnapshot() == null) {
                continue;
            }
            versions.add(new PreservedVersion(item.getName(), item.getSnapshot(),
                    etag(item.getProperties().getETag()), item.getProperties().getContentLength(),
                    snapshotTime(item.getSnapshot()), item.getMetadata()));
        }
        String next = page.getContinuationToken();
        return new PreservedListing(versions, next == null || next.isEmpty() ? null : next);
    }

    /** A snapshot id is its creation time, e.g. {@code 2026-12-06T10:00:00.1234567Z}; null if it is not one. */
    private static Instant snapshotTime(String snapshot) {
        try {
            return Instant.parse(snapshot);
        } catch (java.time.format.DateTimeParseException notATime) {
            return null;
        }
    }

    @Override
    public boolean deleteVersion(String name, String versionId) throws ArchiveException {
        ObjectNames.validate(name);
        if (versionId == null || versionId.isEmpty()) {
            throw ArchiveException.of(Kind.INVALID, name, "no snapshot named: deleteVersion never deletes the blob");
        }
        return call(name, "Delete Blob (snapshot " + versionId + ")", () -> {
            try {
                clients.sync().getBlobClient(name, versionId).deleteWithResponse(null, null, null, Context.NONE);
                return true;
            } catch (BlobStorageException e) {
                if (isMissingBlob(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public ObjectListing list(String prefix, String continuationToken, int pageSize) throws ArchiveException {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw ArchiveException.of(Kind.INVALID, prefix, "page size must be 1.." + MAX_PAGE_SIZE + ": " + pageSize);
        }
        ListBlobsOptions options = new ListBlobsOptions()
                .setPrefix(prefix == null || prefix.isEmpty() ? null : prefix)
                .setMaxResultsPerPage(pageSize)
                .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        PagedResponse<BlobItem> page = call(prefix, "List Blobs", () -> clients.sync()
                .listBlobs(options, continuationToken, null).iterableByPage(continuationToken, pageSize)
                .iterator().next());
        List<StoredObject> objects = new ArrayList<>(page.getValue().size());
        for (BlobItem item : page.getValue()) {
            objects.add(new StoredObject(item.getName(), item.getProperties().getContentLength(),
                    etag(item.getProperties().getETag()), item.getProperties().getContentMd5(),
                    item.getMetadata(), instant(item.getProperties().getLastModified()),
                    tier(item.getProperties().getAccessTier(), item.getProperties().getArchiveStatus(),
                            item.getProperties().getRehydratePriority())));
        }
        String next = page.getContinuationToken();
        return new ObjectListing(objects, next == null || next.isEmpty() ? null : next);
    }

    @Override
    public void putMarker(String name, ObjectAttributes attributes) throws ArchiveException {
        ObjectNames.validate(name);
        Map<String, String> metadata = new HashMap<>(attributes.metadata());
        if (metadata.keySet().stream().noneMatch(BlobMetadataCodec.IS_FOLDER::equalsIgnoreCase)) {
            metadata.put(BlobMetadataCodec.IS_FOLDER, "true");
        }
        MetadataLimits.check(name, metadata);
        BlockBlobSimpleUploadOptions options = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                .setMetadata(metadata)
                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"));
        try {
            call(name, "Put Blob (directory marker)",
                    () -> blockBlob(name).uploadWithResponse(options, null, Context.NONE));
        } catch (ArchiveException e) {
            if (e.httpStatus() != 409) { // 409 BlobAlreadyExists: the marker (or an object) is there already
                throw e;
            }
        }
    }

    @Override
    public void close() {
        // The SDK clients hold no resources of their own; the HTTP client's connections idle out.
    }

    static BlobRequestConditions conditions(WriteCondition condition) {
        return condition.requiresAbsent() ? new BlobRequestConditions().setIfNoneMatch("*")
                : new BlobRequestConditions().setIfMatch(condition.etag());
    }

    BlockBlobClient blockBlob(String name) {
        return clients.sync().getBlobClient(name).getBlockBlobClient();
    }

    /** One SDK call under a request permit (restores first), with its final failure classified. */
    <T> T call(String name, String doing, SdkCall<T> call) throws ArchiveException {
        ensureContainer();
        try (PriorityPermits.Permit permit = acquirePermit(name)) {
            return call.run();
        } catch (RuntimeException e) {
            throw AzureErrors.map(name, doing, e);
        }
    }

    /** Requests of this priority waiting for a request slot now. */
    @Override
    public int requestsWaiting(RequestPriority priority) {
        return requestPermits.waiting(priority);
    }

    /** An SDK request; the SDK reports failures as unchecked exceptions. */
    @FunctionalInterface
    interface SdkCall<T> {
        T run();
    }

    private PriorityPermits.Permit acquirePermit(String name) throws ArchiveException {
        try {
            return requestPermits.acquire(RequestPriority.current());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ArchiveException.of(Kind.TRANSIENT, name, "interrupted while waiting for a request slot");
        }
    }

    /**
     * Creates the container on first use when configured to. A 403 is not fatal here: a SAS scoped to the container
     * may not create it, and the request that follows reports a real permission problem on its own.
     */
    private void ensureContainer() throws ArchiveException {
        if (!createContainer || containerChecked) {
            return;
        }
        try {
            containerLock.lockInterruptibly(); // a canceled action does not wait behind another's retries
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ArchiveException.of(Kind.TRANSIENT, null, "interrupted while the container is being checked");
        }
        try {
            if (containerChecked) {
                return;
            }
            try {
                if (clients.sync().createIfNotExists()) {
                    LOG.log(System.Logger.Level.INFO, "created container for {0}", describe());
                }
            } catch (BlobStorageException e) {
                if (e.getStatusCode() != 403) {
                    throw AzureErrors.map(null, "Create Container", e);
                }
            } catch (RuntimeException e) {
                throw AzureErrors.map(null, "Create Container", e);
            }
            containerChecked = true;
        } finally {
            containerLock.unlock();
        }
    }

    /** A 404 about the blob; a missing container is a configuration problem, reported as NOT_FOUND instead. */
    private static boolean isMissingBlob(BlobStorageException e) {
        return e.getStatusCode() == 404 && !BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode());
    }

    /** The SDK returns ETags quoted from some calls and bare from listings; ours are always quoted. */
    static String etag(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}

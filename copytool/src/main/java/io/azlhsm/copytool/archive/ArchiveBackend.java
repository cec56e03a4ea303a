package io.azlhsm.copytool.archive;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where archived file data lives; one instance per configured archive id; thread-safe.
 *
 * <p>Every method taking a {@code name} expects a full object name as returned by {@link #objectName(String)} (or
 * recorded from an earlier {@link StoredObject#name()}), and validates it again before touching the archive.
 * Buffers passed in are read or filled from their position to their limit; methods never keep a reference to them
 * after returning, so callers may reuse pooled buffers at once.
 */
public interface ArchiveBackend extends AutoCloseable {

    /** A one-line description for logs, e.g. "azure http://host/account/container prefix=p/"; never a secret. */
    String describe();

    /**
     * The whole-file checksum kept with this archive's objects: MD5 as Content-MD5 where the store has that property
     * (so other tools can check it), otherwise the much cheaper {@link ChecksumAlgorithm#CRC32C}.
     */
    default ChecksumAlgorithm checksumAlgorithm() {
        return ChecksumAlgorithm.MD5;
    }

    /** Files up to this size are archived with {@link #putWhole}; larger ones with {@link #beginUpload}. */
    long singleRequestLimit();

    /**
     * The chunk size to use for a file of this size: at least the configured chunk size, grown in whole MiB so the
     * file needs no more parts than the archive allows, and never more than one {@link ByteBuffer} can hold.
     *
     * @throws ArchiveException TOO_LARGE when no allowed chunk size makes the file fit
     */
    long chunkSize(long fileSize) throws ArchiveException;

    /** The archive prefix plus a path relative to the mount, validated (length, segments); INVALID otherwise. */
    String objectName(String relativePath) throws ArchiveException;

    /** The inverse of {@link #objectName}: the mount-relative path of a (listed) object; INVALID outside the prefix. */
    String relativePath(String objectName) throws ArchiveException;

    /**
     * Stores {@code data}'s remaining bytes as the whole object, with Content-MD5 and metadata, in one request, if
     * {@code condition} holds at the name; PRECONDITION (nothing written) if it does not.
     */
    StoredObject putWhole(String name, ByteBuffer data, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException;

    /** Starts a chunked upload of {@code size} bytes in chunks of {@code chunkSize} (from {@link #chunkSize}). */
    ChunkedUpload beginUpload(String name, long size, long chunkSize) throws ArchiveException;

    /**
     * As {@link #beginUpload(String, long, long)} for the file version {@code key}: an archive that can keep chunks
     * staged across attempts (Azure's uncommitted blocks) reuses those an earlier, uncommitted upload of the same file
     * version staged with the same chunk size and bytes, instead of sending them again
     * ({@link ChunkedUpload#resumedBytes()}). Others start afresh.
     */
    default ChunkedUpload beginUpload(String name, long size, long chunkSize, UploadKey key) throws ArchiveException {
        return beginUpload(name, size, chunkSize);
    }

    /** The object's properties and metadata, or empty when there is no such object. */
    Optional<StoredObject> stat(String name) throws ArchiveException;

    /**
     * Fills {@code dst} (from position to limit) with the object's bytes from {@code offset}; fails PRECONDITION if
     * the object's ETag is not {@code expectedEtag} (null = any), CORRUPT if the object ends before dst is full.
     */
    void read(String name, String expectedEtag, long offset, ByteBuffer dst) throws ArchiveException;

    /**
     * Deletes the object if its ETag is {@code expectedEtag} (null = any); false if it was already gone. PRECONDITION
     * if the ETag differs, or where a {@linkplain #preserve preserved version} cannot outlive its object (a blob's
     * snapshots): preserved versions are never deleted with the object.
     */
    boolean delete(String name, String expectedEtag) throws ArchiveException;

    /**
     * Keeps version {@code etag} of {@code name} readable after the name is overwritten, without copying its data
     * (a blob snapshot; a hard link): for the file whose copy it is, while another file takes the name. Idempotent.
     * PRECONDITION if the object no longer has that ETag (or is gone).
     *
     * @return the kept version's id, for {@link #readVersion}
     */
    String preserve(String name, String etag) throws ArchiveException;

    /** The id of the kept version {@code etag} of {@code name}, if one was {@linkplain #preserve preserved}. */
    Optional<String> findPreserved(String name, String etag) throws ArchiveException;

    /** As {@link #read}, from a kept version (which never changes, so it needs no ETag). */
    void readVersion(String name, String versionId, long offset, ByteBuffer dst) throws ArchiveException;

    /**
     * One page of the {@linkplain #preserve preserved versions} of the objects whose names start with {@code prefix}
     * (Azure: a listing with snapshots, which passes every object of the prefix; posix: the version links); token
     * null for the first page. What {@code copytool check --collect-orphans} collects the orphans among.
     */
    PreservedListing listPreserved(String prefix, String continuationToken, int pageSize) throws ArchiveException;

    /**
     * Deletes one preserved version (never the object itself, nor another version); false if it was already gone.
     * The caller must have made sure no live file's record names it: nothing else holds its data.
     */
    boolean deleteVersion(String name, String versionId) throws ArchiveException;

    /**
     * The names of the objects written for the file {@code fid} (its {@code azlhsm_fid}, bracketed or not), found by
     * the FID index the archive keeps (Azure: a blob index tag set by the write itself; posix: an index directory):
     * what a REMOVE has once the file is gone. Each name must still be checked (its metadata and ETag) before it is
     * acted on: the index may be a little behind. Objects written before the index existed are not found.
     */
    List<String> findByFid(String fid) throws ArchiveException;

    /**
     * Copies the object {@code source} (in the version its ETag names: the service refuses the copy once the name
     * holds another one, PRECONDITION) to {@code target}, with its data, Content-MD5, metadata and FID index entry, if
     * {@code condition} holds at the target (PRECONDITION, nothing written, if not); waits until the copy is complete.
     * What {@code auto-export --propagate renames} does on a flat account before it deletes the old name. INVALID on
     * an archive that cannot copy (the default) or for an object that is offline (Archive tier).
     *
     * @return the copy as stored (its own ETag)
     */
    default StoredObject copy(StoredObject source, String target, WriteCondition condition) throws ArchiveException {
        throw ArchiveException.of(ArchiveException.Kind.INVALID, source.name(), describe()
                + " cannot copy objects: renames are not propagated to it");
    }

    /**
     * True where {@link #rename} moves an object in one atomic step (a hierarchical-namespace account): renames then
     * never go through {@link #copy} and a delete.
     */
    default boolean renamesAtomically() {
        return false;
    }

    /**
     * Moves {@code source} (only while it has its ETag: PRECONDITION otherwise) to {@code target}, if {@code condition}
     * holds there, in one atomic step; INVALID where {@link #renamesAtomically()} is false. The target's missing
     * parent directories are created first.
     *
     * @return the object at its new name (an ETag of its own where the service gives the moved path a new one)
     */
    default StoredObject rename(StoredObject source, String target, WriteCondition condition)
            throws ArchiveException {
        throw ArchiveException.of(ArchiveException.Kind.INVALID, source.name(), describe()
                + " has no atomic rename");
    }

    /**
     * Replaces the object's user metadata (all of it: pass what is to stay) without rewriting its data, only while it
     * has ETag {@code etag} (PRECONDITION otherwise); on a hierarchical-namespace account the owner, group and
     * permissions of the metadata also become the path's access control. Data, Content-MD5, tier and FID index entry
     * stay. INVALID on an archive without such an update (the default).
     *
     * @return the object with its new ETag
     */
    default StoredObject setMetadata(StoredObject object, Map<String, String> metadata) throws ArchiveException {
        throw ArchiveException.of(ArchiveException.Kind.INVALID, object.name(), describe()
                + " cannot update metadata alone");
    }

    /** One page of objects whose names start with {@code prefix}, with metadata; token null for the first page. */
    ObjectListing list(String prefix, String continuationToken, int pageSize) throws ArchiveException;

    /**
     * Creates an empty appendable object (Azure: an append blob) with this metadata, if {@code condition} holds at the
     * name (an existing object of any kind is replaced when its ETag is given); PRECONDITION (nothing written) if it
     * does not. For job logs, which grow by {@link #append} without the whole being sent again.
     */
    default Appended createAppendable(String name, java.util.Map<String, String> metadata, WriteCondition condition)
            throws ArchiveException {
        throw ArchiveException.of(ArchiveException.Kind.INVALID, name, describe() + " has no appendable objects");
    }

    /**
     * Appends {@code data}'s remaining bytes (at most {@link #maxAppendBytes()}) to an object made by
     * {@link #createAppendable}, if it has ETag {@code etag} and holds exactly {@code position} bytes; PRECONDITION
     * (nothing written) if not, so a writer never appends after another writer's bytes without knowing it.
     */
    default Appended append(String name, ByteBuffer data, long position, String etag) throws ArchiveException {
        throw ArchiveException.of(ArchiveException.Kind.INVALID, name, describe() + " has no appendable objects");
    }

    /** Most bytes one {@link #append} takes (Azure: 4 MiB per Append Block). */
    default int maxAppendBytes() {
        return 4 << 20;
    }

    /** Most appends one appendable object takes (Azure: 50,000 blocks per append blob). */
    default long maxAppends() {
        return Long.MAX_VALUE;
    }

    /** Creates a zero-length directory marker ({@code hdi_isfolder=true} added) unless an object of that name exists. */
    void putMarker(String name, ObjectAttributes attributes) throws ArchiveException;

    /**
     * Whether this archive keeps a file's and a directory's POSIX ACL ({@link ObjectAttributes#posixAcl}) and lists
     * each object's ({@link io.azlhsm.copytool.archive.metadata.BlobMetadataCodec#POSIX_ACL}): an account with
     * hierarchical namespace. Writers read a file's ACL only for such an archive.
     */
    default boolean carriesPosixAcls() {
        return false;
    }

    /** How this archive uses access tiers; {@link TierSettings#DEFAULT} for an archive without tiers. */
    default TierSettings tierSettings() {
        return TierSettings.DEFAULT;
    }

    /**
     * Starts bringing an {@linkplain ObjectTier#offline offline} object back online, to the tier and with the priority
     * of {@link #tierSettings()} (Azure: Set Blob Tier, which answers 202 and takes hours). Does not wait.
     *
     * @return true when this call started the rehydration, false when one was under way already (it is not asked for
     *         twice) or the object is online
     * @throws ArchiveException INVALID for an archive without offline tiers, NOT_FOUND when the object is gone
     */
    default boolean rehydrate(String name) throws ArchiveException {
        throw ArchiveException.of(ArchiveException.Kind.INVALID, name, "this archive has no offline tier to"
                + " rehydrate from");
    }

    /**
     * Moves an online object to a cooler tier (Azure: Set Blob Tier, without a rehydrate priority). The service takes
     * no ETag condition for a tier change (Set Blob Tier has no If-Match), so the caller must have looked at the
     * object just before; a tier change keeps the object's ETag and data, so a record naming it stays valid.
     *
     * @return the status the service answered (Azure: 200 done; 202 only for a rehydration out of Archive)
     * @throws ArchiveException INVALID for an archive without access tiers, NOT_FOUND when the object is gone
     */
    default int setTier(String name, StorageTier tier) throws ArchiveException {
        throw ArchiveException.of(ArchiveException.Kind.INVALID, name, describe() + " has no access tiers");
    }

    /**
     * Requests of this priority waiting for one of the backend's request slots now (a gauge of the agent's metrics);
     * 0 for a backend without such slots.
     */
    default int requestsWaiting(RequestPriority priority) {
        return 0;
    }

    /** Releases connections and threads; the backend is unusable afterwards. */
    @Override
    void close();
}

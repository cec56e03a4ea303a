package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.Context;
import com.azure.storage.file.datalake.DataLakeDirectoryClient;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakePathClient;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import com.azure.storage.file.datalake.models.ListPathsOptions;
import com.azure.storage.file.datalake.models.PathAccessControlEntry;
import com.azure.storage.file.datalake.models.PathInfo;
import com.azure.storage.file.datalake.models.PathItem;
import com.azure.storage.file.datalake.models.PathPermissions;
import com.azure.storage.file.datalake.options.DataLakePathCreateOptions;
import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ForwardingBackend;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.ObjectNames;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An Azure archive on an account with hierarchical namespace (ADLS Gen2). Data is written and read through the Blob
 * API exactly as on a flat account; what differs goes through the Data Lake API:
 * <ul>
 * <li>after a file's data is written, its owner, group and permissions (the {@code owner}, {@code group} and
 *     {@code permissions} of its metadata: uid and gid as decimal strings, as AMLFS writes them) become the path's
 *     own POSIX properties (Path - Update setAccessControl, conditional on the ETag just written, whose new ETag the
 *     returned object carries); a file with an extended POSIX ACL ({@link ObjectAttributes#posixAcl}) gets it as the
 *     path's ACL in that same request (x-ms-acl, with owner and group);</li>
 * <li>a directory is created as a directory (Path - Create resource=directory) with its owner, group and
 *     permissions, never as a marker blob; a directory that exists already (the service makes every parent of a
 *     path) gets them set; one with an extended ACL (access and default entries) then gets it set;</li>
 * <li>a listing is the listing of paths (Path - List, recursive), with owner, group and permissions taken from each
 *     path's properties ({@link PathOwners} maps a non-numeric owner), and the path's ACL as
 *     {@link BlobMetadataCodec#POSIX_ACL} (asked for only where the listed permissions end in {@code +}); a file's
 *     other metadata (checksum, times, symlink, layout) still comes from its blob (one Get Blob Properties per
 *     file).</li>
 * </ul>
 */
public final class HierarchicalBackend extends ForwardingBackend {
    private final DataLakeFileSystemClient fs;
    private final String endpoint;
    private final PathOwners owners;

    HierarchicalBackend(ArchiveBackend blobs, DataLakeFileSystemClient fs, String endpoint, PathOwners owners) {
        super(blobs);
        this.fs = fs;
        this.endpoint = endpoint;
        this.owners = owners;
    }

    /** Files' and directories' ACLs are the paths' own (Set and Get Access Control). */
    @Override
    public boolean carriesPosixAcls() {
        return true;
    }

    @Override
    public String describe() {
        return backend.describe() + " namespace=hierarchical dfs=" + endpoint;
    }

    @Override
    public StoredObject putWhole(String name, ByteBuffer data, ObjectAttributes attributes, WriteCondition condition)
            throws ArchiveException {
        return setAccess(backend.putWhole(name, data, attributes, condition), attributes);
    }

    @Override
    protected ChunkedUpload wrapUpload(String name, ChunkedUpload upload) {
        return new ChunkedUpload() {
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
                return setAccess(upload.commit(chunkCount, attributes, condition), attributes);
            }

            @Override
            public long resumedBytes() {
                return upload.resumedBytes();
            }

            @Override
            public void abort() {
                upload.abort();
            }
        };
    }

    /**
     * Sets the path's owner, group and permissions from the metadata written with it, and its ACL when the file has
     * an extended one, if the object is unchanged.
     */
    private StoredObject setAccess(StoredObject stored, ObjectAttributes attributes) throws ArchiveException {
        Access access = Access.of(attributes.metadata());
        if (access.isEmpty() && attributes.posixAcl() == null) {
            return stored;
        }
        try {
            DataLakeRequestConditions unchanged = new DataLakeRequestConditions().setIfMatch(stored.etag());
            DataLakeFileClient file = fs.getFileClient(stored.name());
            PathInfo info = attributes.posixAcl() == null
                    ? file.setPermissionsWithResponse(access.permissions(), access.group(), access.owner(), unchanged,
                            null, Context.NONE).getValue()
                    : setAcl(file, attributes.posixAcl(), access, unchanged);
            return new StoredObject(stored.name(), stored.size(), quoted(info.getETag()), stored.contentMd5(),
                    stored.metadata(), info.getLastModified().toInstant(), stored.tier());
        } catch (RuntimeException e) {
            throw AzureErrors.map(stored.name(), "Set Access Control of the path just written", e);
        }
    }

    /**
     * Sets the path's ACL (x-ms-acl, which replaces the whole ACL and with it the permission bits) with its owner and
     * group, in one Set Access Control. x-ms-acl and x-ms-permissions are mutually exclusive (Path - Update), and an
     * ACL has no sticky bit: a mode with one is set after it (a chmod: the mask takes the group bits, which are the
     * mask already), conditional on the ETag the first request gave.
     */
    private static PathInfo setAcl(DataLakePathClient path, String acl, Access access,
                                   DataLakeRequestConditions conditions) {
        PathInfo info = path.setAccessControlListWithResponse(PathAccessControlEntry.parseList(acl), access.group(),
                access.owner(), conditions, null, Context.NONE).getValue();
        if (access.permissions() != null && access.permissions().isStickyBitSet()) {
            DataLakeRequestConditions next = conditions == null || conditions.getIfMatch() == null ? conditions
                    : new DataLakeRequestConditions().setIfMatch(info.getETag());
            info = path.setPermissionsWithResponse(access.permissions(), null, null, next, null, Context.NONE)
                    .getValue();
        }
        return info;
    }

    @Override
    public boolean renamesAtomically() {
        return true;
    }

    /**
     * Path - Create with {@code x-ms-rename-source} (the SDK's rename), {@code x-ms-source-if-match} on the source's
     * ETag and the write condition on the target, after the target's parent directory is made (a rename does not
     * make it: 404 RenameDestinationParentPathNotFound). The SDK hands back a client for the new path whose path it
     * has percent-encoded a second time (a name with a space or a percent sign would then name another path), so
     * that client is not used: the moved object is read again by its name.
     */
    @Override
    public StoredObject rename(StoredObject source, String target, WriteCondition condition)
            throws ArchiveException {
        ObjectNames.validate(source.name());
        ObjectNames.validate(target);
        int slash = target.lastIndexOf('/');
        if (slash > 0) {
            try {
                fs.getDirectoryClient(target.substring(0, slash)).createIfNotExists();
            } catch (RuntimeException e) {
                throw AzureErrors.map(target, "Path - Create of the new name's directory", e);
            }
        }
        DataLakeRequestConditions destination = condition.requiresAbsent()
                ? new DataLakeRequestConditions().setIfNoneMatch("*")
                : new DataLakeRequestConditions().setIfMatch(condition.etag());
        try {
            fs.getFileClient(source.name()).renameWithResponse(null, target,
                    new DataLakeRequestConditions().setIfMatch(source.etag()), destination, null, Context.NONE);
        } catch (RuntimeException e) {
            throw AzureErrors.map(source.name(), "Path - Create (rename to " + target + ")", e);
        }
        return backend.stat(target).orElseThrow(() -> ArchiveException.of(ArchiveException.Kind.TRANSIENT, target,
                "gone right after " + source.name() + " was renamed to it"));
    }

    /**
     * Set Blob Metadata, then the metadata's owner, group and permissions as the path's access control. The path's
     * ACL entries are left as they are (x-ms-permissions sets the owner, mask or group, and other bits only).
     */
    @Override
    public StoredObject setMetadata(StoredObject object, Map<String, String> metadata) throws ArchiveException {
        return setAccess(backend.setMetadata(object, metadata), new ObjectAttributes(null, metadata));
    }

    @Override
    public void putMarker(String name, ObjectAttributes attributes) throws ArchiveException {
        Access access = Access.of(attributes.metadata());
        Map<String, String> metadata = new HashMap<>(attributes.metadata());
        metadata.keySet().removeIf(key -> key.equalsIgnoreCase(BlobMetadataCodec.IS_FOLDER));
        DataLakePathCreateOptions options = new DataLakePathCreateOptions().setMetadata(metadata)
                .setUmask("0000") // the permissions given are the directory's, not to be narrowed by the service
                .setRequestConditions(new DataLakeRequestConditions().setIfNoneMatch("*"));
        if (access.permissions() != null) {
            options.setPermissions(access.permissions().toString());
        }
        options.setOwner(access.owner()).setGroup(access.group());
        DataLakeDirectoryClient directory = fs.getDirectoryClient(name);
        try {
            directory.createWithResponse(options, null, Context.NONE);
        } catch (DataLakeStorageException e) {
            if (!"PathAlreadyExists".equals(e.getErrorCode())) {
                if ("PathConflict".equals(e.getErrorCode())) {
                    return; // a file has the name: as on a flat account, an existing object is left alone
                }
                throw AzureErrors.map(name, "Path - Create of a directory", e);
            }
            if (!access.isEmpty() && attributes.posixAcl() == null) {
                try {
                    // It exists already, most often made by the service as a parent of a path written first.
                    directory.setPermissionsWithResponse(access.permissions(), access.group(), access.owner(), null,
                            null, Context.NONE);
                } catch (RuntimeException again) {
                    throw AzureErrors.map(name, "Set Access Control of an existing directory", again);
                }
            }
        } catch (RuntimeException e) {
            throw AzureErrors.map(name, "Path - Create of a directory", e);
        }
        if (attributes.posixAcl() != null) {
            // Made (or found) with its owner, group and mode above; the ACL, with default entries, replaces the
            // permission bits' entries with the directory's own.
            try {
                setAcl(directory, attributes.posixAcl(), access, null);
            } catch (RuntimeException e) {
                throw AzureErrors.map(name, "Set Access Control (ACL) of a directory", e);
            }
        }
    }

    @Override
    public ObjectListing list(String prefix, String continuationToken, int pageSize) throws ArchiveException {
        int slash = prefix.lastIndexOf('/');
        String directory = slash < 0 ? "" : prefix.substring(0, slash);
        ListPathsOptions options = new ListPathsOptions().setRecursive(true).setMaxResults(pageSize);
        if (!directory.isEmpty()) {
            options.setPath(directory);
        }
        PagedResponse<PathItem> page;
        try {
            Iterator<PagedResponse<PathItem>> pages = fs.listPaths(options, null)
                    .iterableByPage(continuationToken).iterator();
            if (!pages.hasNext()) {
                return new ObjectListing(List.of(), null);
            }
            page = pages.next();
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 404 && "PathNotFound".equals(e.getErrorCode())) {
                return new ObjectListing(List.of(), null); // no such directory: nothing under the prefix
            }
            throw AzureErrors.map(prefix, "Path - List", e);
        } catch (RuntimeException e) {
            throw AzureErrors.map(prefix, "Path - List", e);
        }
        List<StoredObject> objects = new ArrayList<>();
        for (PathItem path : page.getValue()) {
            if (!path.getName().startsWith(prefix)) {
                continue;
            }
            Optional<StoredObject> object = withPathAttributes(path);
            object.ifPresent(objects::add);
        }
        return new ObjectListing(objects, page.getContinuationToken());
    }

    /** The listed path as an object: owner, group and permissions from the path, the rest from its blob. */
    private Optional<StoredObject> withPathAttributes(PathItem path) throws ArchiveException {
        Map<String, String> metadata = new HashMap<>();
        StoredObject blob = null;
        if (!path.isDirectory()) {
            Optional<StoredObject> found = backend.stat(path.getName());
            if (found.isEmpty()) {
                return Optional.empty(); // deleted since it was listed
            }
            blob = found.get();
            blob.metadata().forEach((key, value) -> {
                String lower = key.toLowerCase(Locale.ROOT);
                if (!lower.equals("owner") && !lower.equals("group") && !lower.equals("permissions")
                        && !lower.equals(BlobMetadataCodec.POSIX_ACL)) {
                    metadata.put(key, value);
                }
            });
        } else {
            metadata.put(BlobMetadataCodec.IS_FOLDER, "true");
        }
        metadata.put("owner", Integer.toString(owners.uid(path.getOwner())));
        metadata.put("group", Integer.toString(owners.gid(path.getGroup())));
        if (path.getPermissions() != null) {
            PathPermissions permissions = PathPermissions.parseSymbolic(path.getPermissions());
            metadata.put("permissions", permissions.toString());
            String acl = posixAcl(path, permissions);
            if (acl == null) {
                return Optional.empty(); // deleted since it was listed
            }
            metadata.put(BlobMetadataCodec.POSIX_ACL, acl);
        }
        if (blob != null) {
            return Optional.of(new StoredObject(blob.name(), blob.size(), blob.etag(), blob.contentMd5(), metadata,
                    blob.lastModified(), blob.tier()));
        }
        return Optional.of(new StoredObject(path.getName(), 0, quoted(path.getETag()), null, metadata,
                path.getLastModified().toInstant()));
    }

    /**
     * The path's ACL for an import: a path whose permissions are listed with {@code +} has more than its three base
     * entries (named entries, a mask or default entries), and only then is it asked for (Get Access Control, one
     * request per such path); the others' ACL is their permission bits. Named entries keep decimal ids; one naming
     * any other identity (an Entra object id) is dropped, by {@link PathOwners#namedId}.
     *
     * @return null when the path is gone
     */
    private String posixAcl(PathItem path, PathPermissions permissions) throws ArchiveException {
        if (!permissions.isExtendedInfoInAcl()) {
            return "user::" + permissions.getOwner().toSymbolic() + ",group::" + permissions.getGroup().toSymbolic()
                    + ",other::" + permissions.getOther().toSymbolic();
        }
        List<PathAccessControlEntry> entries;
        try {
            DataLakePathClient client = path.isDirectory() ? fs.getDirectoryClient(path.getName())
                    : fs.getFileClient(path.getName());
            entries = client.getAccessControlWithResponse(false, null, null, Context.NONE).getValue()
                    .getAccessControlList();
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw AzureErrors.map(path.getName(), "Get Access Control", e);
        } catch (RuntimeException e) {
            throw AzureErrors.map(path.getName(), "Get Access Control", e);
        }
        List<PathAccessControlEntry> kept = new ArrayList<>();
        for (PathAccessControlEntry entry : entries) {
            String id = entry.getEntityId();
            if (id == null || id.isEmpty() || owners.namedId(id, path.getName())) {
                kept.add(entry);
            }
        }
        return PathAccessControlEntry.serializeList(kept);
    }

    /**
     * An ETag as the Blob API gives it, quoted: the Data Lake SDK hands them out without the quotes, and a record's
     * ETag is compared with the blob's as a string (the checker, import's "same blob").
     */
    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    /** The owner, group and permissions in a blob's metadata (AMLFS's names, read case-insensitively). */
    private record Access(String owner, String group, PathPermissions permissions) {
        static Access of(Map<String, String> metadata) {
            String owner = null;
            String group = null;
            PathPermissions permissions = null;
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                switch (entry.getKey().toLowerCase(Locale.ROOT)) {
                    case "owner" -> owner = entry.getValue();
                    case "group" -> group = entry.getValue();
                    case "permissions" -> permissions = parse(entry.getValue());
                    default -> { }
                }
            }
            return new Access(owner, group, permissions);
        }

        /** {@code %04o} (AMLFS, the sticky bit kept) or {@code rwxrwxrwx[t]}; anything else is left unset. */
        private static PathPermissions parse(String text) {
            if (text.matches("[0-1][0-7]{3}")) {
                return PathPermissions.parseOctal(text);
            }
            if (text.matches("[r-][w-][x-][r-][w-][x-][r-][w-][xtT-]")) {
                return PathPermissions.parseSymbolic(text);
            }
            return null;
        }

        boolean isEmpty() {
            return owner == null && group == null && permissions == null;
        }
    }
}

package io.azlhsm.testcluster.datalake;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.core.util.BinaryData;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The paths of each filesystem (an Azurite container), kept as blobs: a file is its blob (data and record), a
 * directory a zero-length {@code hdi_isfolder} blob, or only implied by the names of blobs under it (as a real
 * account shows a directory that the Blob API created implicitly). Every change made through the stand-in holds one
 * lock, so a rename or a recursive delete is atomic to the stand-in's own clients; clients of Azurite's Blob API
 * see its steps.
 */
final class PathStore {
    private final BlobServiceClient service;
    private final ReentrantLock changes = new ReentrantLock();

    PathStore(BlobServiceClient service) {
        this.service = service;
    }

    /** The filesystem's container; FilesystemNotFound when it does not exist. */
    BlobContainerClient filesystem(String name) throws DfsError {
        BlobContainerClient container = service.getBlobContainerClient(name);
        if (!container.exists()) {
            throw DfsError.filesystemNotFound();
        }
        return container;
    }

    /** The path's record, if the path exists ("" is the filesystem's root directory). */
    Optional<PathRecord> find(BlobContainerClient fs, String path) {
        if (path.isEmpty()) {
            OffsetDateTime now = fs.getProperties().getLastModified();
            return Optional.of(new PathRecord("", true, BlobRecords.SUPERUSER, BlobRecords.SUPERUSER,
                    BlobRecords.defaultAccess(true), BlobRecords.quoted(fs.getProperties().getETag()), now, now, 0,
                    Map.of(), false));
        }
        try {
            BlobProperties properties = fs.getBlobClient(path).getProperties();
            return Optional.of(BlobRecords.read(path, properties.getMetadata(), properties.getETag(),
                    properties.getLastModified(), properties.getCreationTime(), properties.getBlobSize()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw e;
            }
        }
        for (BlobItem child : fs.listBlobs(new ListBlobsOptions().setPrefix(path + "/").setMaxResultsPerPage(1),
                null)) {
            return Optional.of(impliedDirectory(path, child.getProperties().getLastModified()));
        }
        return Optional.empty();
    }

    private static PathRecord impliedDirectory(String path, OffsetDateTime seen) {
        // No blob keeps it, so there is no ETag of its own: one derived from its name and the child's time.
        String etag = "\"0x" + Long.toHexString(path.hashCode() & 0xffffffffL) + "\"";
        return new PathRecord(path, true, BlobRecords.SUPERUSER, BlobRecords.SUPERUSER,
                BlobRecords.defaultAccess(true), etag, seen, seen, 0, Map.of(), false);
    }

    /** Runs {@code change} holding the lock every change holds. */
    <T> T change(Change<T> change) throws DfsError {
        changes.lock();
        try {
            return change.run();
        } finally {
            changes.unlock();
        }
    }

    interface Change<T> {
        T run() throws DfsError;
    }

    /**
     * Writes the record of {@code path}; a file's data is kept (Set Blob Metadata), a new path gets an empty blob.
     * Missing ancestors become directories with the defaults, as Path - Create makes them.
     */
    PathRecord write(BlobContainerClient fs, String path, boolean directory, String owner, String group,
                     AccessControl access, Map<String, String> userMetadata, boolean exists) throws DfsError {
        Map<String, String> metadata = BlobRecords.write(directory, owner, group, access, userMetadata);
        BlobClient blob = fs.getBlobClient(path);
        if (exists && blobExists(blob)) {
            blob.setMetadata(metadata);
        } else {
            createAncestors(fs, path);
            blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(new byte[0]))
                    .setMetadata(metadata), null, Context.NONE);
        }
        return find(fs, path).orElseThrow(DfsError::pathNotFound);
    }

    private static boolean blobExists(BlobClient blob) {
        return blob.exists();
    }

    /** Makes each missing ancestor of {@code path} a directory; PathConflict when one is a file. */
    void createAncestors(BlobContainerClient fs, String path) throws DfsError {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return;
        }
        String parent = path.substring(0, slash);
        Optional<PathRecord> existing = find(fs, parent);
        if (existing.isPresent()) {
            if (!existing.get().directory()) {
                throw DfsError.pathConflict();
            }
            return;
        }
        createAncestors(fs, parent);
        fs.getBlobClient(parent).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(new byte[0]))
                .setMetadata(BlobRecords.write(true, BlobRecords.SUPERUSER, BlobRecords.SUPERUSER,
                        BlobRecords.defaultAccess(true), Map.of())), null, Context.NONE);
    }

    /** The blob names under a directory ("" = the whole filesystem), in name order. */
    List<BlobItem> blobsUnder(BlobContainerClient fs, String directory) {
        List<BlobItem> items = new ArrayList<>();
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(directory.isEmpty() ? null : directory + "/");
        options.getDetails().setRetrieveMetadata(true);
        fs.listBlobs(options, null).forEach(items::add);
        return items;
    }

    /**
     * The paths under {@code directory}: all of them, or only its children; directories implied by names included,
     * in name order.
     */
    List<PathRecord> list(BlobContainerClient fs, String directory, boolean recursive) {
        TreeMap<String, PathRecord> paths = new TreeMap<>();
        int base = directory.isEmpty() ? 0 : directory.length() + 1;
        for (BlobItem item : blobsUnder(fs, directory)) {
            String name = item.getName();
            String relative = name.substring(base);
            int slash = relative.indexOf('/');
            OffsetDateTime modified = item.getProperties().getLastModified();
            if (!recursive && slash >= 0) {
                String child = name.substring(0, base + slash);
                paths.putIfAbsent(child, impliedDirectory(child, modified));
                continue;
            }
            for (int at = relative.indexOf('/'); recursive && at >= 0; at = relative.indexOf('/', at + 1)) {
                String ancestor = name.substring(0, base + at);
                paths.putIfAbsent(ancestor, impliedDirectory(ancestor, modified));
            }
            Map<String, String> metadata = item.getMetadata() == null ? Map.of() : item.getMetadata();
            paths.put(name, BlobRecords.read(name, metadata, item.getProperties().getETag(), modified,
                    item.getProperties().getCreationTime(), item.getProperties().getContentLength()));
        }
        return new ArrayList<>(paths.values());
    }

    /** Deletes the path (and, for a directory, everything under it). */
    void delete(BlobContainerClient fs, PathRecord path) {
        if (path.directory()) {
            for (BlobItem item : blobsUnder(fs, path.name())) {
                deleteIfExists(fs.getBlobClient(item.getName()));
            }
        }
        if (path.stored()) {
            deleteIfExists(fs.getBlobClient(path.name()));
        }
    }

    /** Moves {@code source} (and for a directory everything under it) to {@code destination}. */
    void rename(BlobContainerClient fs, PathRecord source, BlobContainerClient target, String destination) {
        if (source.directory()) {
            String from = source.name() + "/";
            for (BlobItem item : blobsUnder(fs, source.name())) {
                copy(fs.getBlobClient(item.getName()),
                        target.getBlobClient(destination + "/" + item.getName().substring(from.length())));
            }
        }
        if (source.stored()) {
            copy(fs.getBlobClient(source.name()), target.getBlobClient(destination));
        } else {
            target.getBlobClient(destination).upload(BinaryData.fromBytes(new byte[0]), true);
            target.getBlobClient(destination).setMetadata(BlobRecords.write(true, source.owner(), source.group(),
                    source.access(), Map.of()));
        }
        delete(fs, source);
    }

    private static void copy(BlobClient from, BlobClient to) {
        BlobProperties properties = from.getProperties();
        try (InputStream data = from.openInputStream()) {
            to.uploadWithResponse(new BlobParallelUploadOptions(data)
                    .setMetadata(properties.getMetadata())
                    .setHeaders(new BlobHttpHeaders().setContentType(properties.getContentType())
                            .setContentMd5(properties.getContentMd5()))
                    .setRequestConditions(new BlobRequestConditions()), null, Context.NONE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("copying " + from.getBlobName() + " to " + to.getBlobName(), e);
        }
    }

    private static void deleteIfExists(BlobClient blob) {
        try {
            blob.delete();
        } catch (BlobStorageException e) {
            if (e.getErrorCode() != BlobErrorCode.BLOB_NOT_FOUND) {
                throw e;
            }
        }
    }
}

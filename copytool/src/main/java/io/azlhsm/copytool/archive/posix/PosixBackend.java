package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.Appended;
import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.copytool.archive.ChunkLayout;
import io.azlhsm.copytool.archive.ChunkSizing;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.ObjectNames;
import io.azlhsm.copytool.archive.PreservedListing;
import io.azlhsm.copytool.archive.PreservedVersion;
import io.azlhsm.copytool.archive.RandomTokens;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.MetadataLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An archive that is a directory tree mirroring object names under a root, like lhsmtool_posix: for on-premises
 * archives, fast tests, and measuring the engine without a network.
 *
 * <p>Objects appear only complete: data is written to {@code <name>.tmp-<token>}, its attributes set, forced to disk,
 * then renamed over the final name (atomic on one file system), and the directory is forced. Metadata, Content-MD5 and
 * ETag live in extended attributes ({@link ObjectXattrs}); {@link FidIndex} names the objects of each file. Directory markers are directories carrying those
 * attributes. Conditional read and delete compare ETags before and after, which is as strong as a local file system
 * allows without locks; concurrent writers of one name are serialised by the rename (last one wins).
 */
public final class PosixBackend implements ArchiveBackend {
    /** A posix archive has no part limit beyond the int chunk index. */
    static final long MAX_PARTS = Integer.MAX_VALUE;
    /** Where preserved versions live, under the root and outside every object name ({@link #preserve}). */
    static final String VERSIONS_DIRECTORY = ".azlhsm-versions";

    private final Path root;
    private final ObjectNames names;
    private final ChunkSizing sizing;
    private final long singleRequestLimit;
    private final FidIndex fidIndex;

    public PosixBackend(Path root, String prefix, long chunkSize, long singleRequestLimit) throws ArchiveException {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.names = new ObjectNames(prefix);
        this.sizing = new ChunkSizing(chunkSize, MAX_PARTS, ChunkSizing.MAX_BUFFER_CHUNK);
        this.singleRequestLimit = Math.min(singleRequestLimit, ChunkSizing.MAX_BUFFER_CHUNK);
        this.fidIndex = new FidIndex(this.root);
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw PosixErrors.map(null, "creating the archive root " + this.root, e);
        }
    }

    @Override
    public String describe() {
        return "posix " + root + " prefix=" + names.prefix();
    }

    /** No Content-MD5 property for other tools to read here: the cheap checksum, so it never bounds throughput. */
    @Override
    public ChecksumAlgorithm checksumAlgorithm() {
        return ChecksumAlgorithm.CRC32C;
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
        Path target = checkedPath(name);
        MetadataLimits.check(name, attributes.metadata());
        if (data.remaining() > singleRequestLimit) {
            throw ArchiveException.of(Kind.INVALID, name, data.remaining()
                    + " bytes exceed the single-request limit of " + singleRequestLimit + "; use beginUpload");
        }
        fidIndex.record(name, attributes.metadata());
        TemporaryObject temporary = TemporaryObject.create(name, target);
        try {
            temporary.write(data.duplicate(), 0);
            return temporary.publish(attributes, condition);
        } finally {
            temporary.discard();
        }
    }

    /** An empty object, published like any other (so the condition is the same). */
    @Override
    public Appended createAppendable(String name, Map<String, String> metadata, WriteCondition condition)
            throws ArchiveException {
        StoredObject created = putWhole(name, ByteBuffer.allocate(0), new ObjectAttributes(null, metadata),
                condition);
        return new Appended(created.etag(), 0, 0);
    }

    /**
     * Appends in place under this JVM's lock of the name, after comparing ETag and length, then gives the object a
     * new ETag: as strong as {@link TemporaryObject#publish}'s conditions (writers on two data movers of one shared
     * archive directory can interleave). A reader may see the appended bytes before the new ETag.
     */
    @Override
    public Appended append(String name, ByteBuffer data, long position, String etag) throws ArchiveException {
        Path path = checkedPath(name);
        synchronized (TemporaryObject.lockFor(path)) {
            try {
                StoredObject current = storedObject(name, path);
                if (current == null || !current.etag().equals(etag) || current.size() != position) {
                    throw ArchiveException.of(Kind.PRECONDITION, name, current == null ? "no object to append to"
                            : "ETag " + current.etag() + " and length " + current.size() + ", not " + etag + " and "
                            + position);
                }
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = data.duplicate();
                    long at = position;
                    while (bytes.hasRemaining()) {
                        at += channel.write(bytes, at);
                    }
                    channel.force(true);
                }
                String next = RandomTokens.next();
                ObjectXattrs.replaceEtag(name, path, next);
                return new Appended(next, position + data.remaining(), 0);
            } catch (IOException e) {
                throw PosixErrors.map(name, "appending", e);
            }
        }
    }

    @Override
    public ChunkedUpload beginUpload(String name, long size, long chunkSize) throws ArchiveException {
        Path target = checkedPath(name);
        ChunkLayout layout = ChunkLayout.of(name, size, chunkSize, MAX_PARTS);
        return new PosixChunkedUpload(layout, TemporaryObject.create(name, target), fidIndex);
    }

    @Override
    public Optional<StoredObject> stat(String name) throws ArchiveException {
        Path path = checkedPath(name);
        try {
            return Optional.ofNullable(storedObject(name, path));
        } catch (IOException e) {
            throw PosixErrors.map(name, "reading attributes", e);
        }
    }

    /** The object at {@code path}, or null when there is none (no file, or a directory that is no marker). */
    static StoredObject storedObject(String name, Path path) throws IOException {
        BasicFileAttributes basic;
        try {
            basic = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!basic.isDirectory() && !basic.isRegularFile()) {
            return null;
        }
        ObjectXattrs.Stored stored = ObjectXattrs.read(path);
        if (basic.isDirectory() && stored.etag() == null) {
            return null; // a plain directory, not a marker
        }
        return new StoredObject(name, basic.isDirectory() ? 0 : basic.size(),
                stored.etag() != null ? stored.etag() : ObjectXattrs.foreignEtag(basic), stored.contentMd5(),
                stored.metadata(), basic.lastModifiedTime().toInstant());
    }

    @Override
    public void read(String name, String expectedEtag, long offset, ByteBuffer dst) throws ArchiveException {
        readFrom(name, checkedPath(name), expectedEtag, offset, dst);
    }

    private static void readFrom(String name, Path path, String expectedEtag, long offset, ByteBuffer dst)
            throws ArchiveException {
        if (offset < 0) {
            throw ArchiveException.of(Kind.INVALID, name, "negative offset " + offset);
        }
        if (!dst.hasRemaining()) {
            return;
        }
        // ETag before and after: if the object was replaced in between, either check sees the new ETag.
        checkEtag(name, path, expectedEtag);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long position = offset;
            while (dst.hasRemaining()) {
                int read = channel.read(dst, position);
                if (read < 0) {
                    throw ArchiveException.of(Kind.CORRUPT, name, "the object ends at byte " + position
                            + ", before the " + dst.remaining() + " bytes still wanted");
                }
                position += read;
            }
        } catch (IOException e) {
            throw PosixErrors.map(name, "reading", e);
        }
        checkEtag(name, path, expectedEtag);
    }

    @Override
    public boolean delete(String name, String expectedEtag) throws ArchiveException {
        Path path = checkedPath(name);
        try {
            StoredObject current = storedObject(name, path);
            if (current == null) {
                return false;
            }
            if (expectedEtag != null && !expectedEtag.equals(current.etag())) {
                throw ArchiveException.of(Kind.PRECONDITION, name,
                        "ETag is " + current.etag() + ", not the expected " + expectedEtag);
            }
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                ObjectXattrs.removeMarker(path);
                return true;
            }
            boolean deleted = Files.deleteIfExists(path);
            fidIndex.forget(name, current.metadata());
            return deleted;
        } catch (IOException e) {
            throw PosixErrors.map(name, "deleting", e);
        }
    }

    /**
     * A hard link at {@code <root>/.azlhsm-versions/<name>@<ETag>}: the version's inode (data and attributes) stays
     * when a publish renames another file over the name. The directory is outside every object name the listing
     * gives, so imports and other readers of the tree never see it.
     */
    @Override
    public String preserve(String name, String etag) throws ArchiveException {
        Path path = checkedPath(name);
        Path version = versionPath(name, etag);
        try {
            Files.createDirectories(version.getParent());
            try {
                Files.createLink(version, path);
            } catch (FileAlreadyExistsException kept) {
                // preserved before (by this or another data mover): checked below like a new link
            } catch (NoSuchFileException gone) {
                throw ArchiveException.of(Kind.PRECONDITION, name, "no object to preserve (ETag " + etag + " wanted)");
            }
            StoredObject linked = storedObject(name, version);
            if (linked == null || !etag.equals(linked.etag())) {
                if (linked != null && linked.etag() != null) {
                    Files.deleteIfExists(version); // we linked a newer object: not the version asked for
                }
                throw ArchiveException.of(Kind.PRECONDITION, name, "ETag is "
                        + (linked == null ? "none" : linked.etag()) + ", not " + etag + ": that version is gone");
            }
            return etag;
        } catch (IOException e) {
            throw PosixErrors.map(name, "preserving version " + etag, e);
        }
    }

    @Override
    public Optional<String> findPreserved(String name, String etag) throws ArchiveException {
        checkedPath(name);
        try {
            StoredObject kept = storedObject(name, versionPath(name, etag));
            return kept != null && etag.equals(kept.etag()) ? Optional.of(etag) : Optional.empty();
        } catch (IOException e) {
            throw PosixErrors.map(name, "looking for version " + etag, e);
        }
    }

    @Override
    public void readVersion(String name, String versionId, long offset, ByteBuffer dst) throws ArchiveException {
        checkedPath(name);
        readFrom(name, versionPath(name, versionId), null, offset, dst);
    }

    /**
     * The version links under {@code .azlhsm-versions/}, listed as a tree of their own (name order, a page at a time):
     * each link's inode is the version's, so its size, ETag and metadata are the version's; its ctime is when it
     * was linked (a link changes its inode's ctime), so it serves as the time the version was preserved.
     */
    @Override
    public PreservedListing listPreserved(String prefix, String continuationToken, int pageSize)
            throws ArchiveException {
        Path versions = root.resolve(VERSIONS_DIRECTORY);
        ObjectListing links = new PosixTreeListing(versions).page(prefix == null ? "" : prefix, continuationToken,
                pageSize);
        List<PreservedVersion> out = new ArrayList<>(links.objects().size());
        for (StoredObject link : links.objects()) {
            int at = link.name().lastIndexOf('@');
            if (at <= 0) {
                continue; // not a version link (nothing else is written there)
            }
            Instant linked;
            try {
                linked = ((FileTime) Files.getAttribute(versions.resolve(link.name()), "unix:ctime",
                        LinkOption.NOFOLLOW_LINKS)).toInstant();
            } catch (NoSuchFileException gone) {
                continue;
            } catch (IOException | UnsupportedOperationException e) {
                linked = link.lastModified();
            }
            // the version id is the ETag (what preserve returned); the link's name may hold it hex-encoded
            out.add(new PreservedVersion(link.name().substring(0, at), link.etag(), link.etag(), link.size(), linked,
                    link.metadata()));
        }
        return new PreservedListing(out, links.nextContinuationToken());
    }

    @Override
    public boolean deleteVersion(String name, String versionId) throws ArchiveException {
        checkedPath(name);
        try {
            return Files.deleteIfExists(versionPath(name, versionId));
        } catch (IOException e) {
            throw PosixErrors.map(name, "deleting version " + versionId, e);
        }
    }

    private Path versionPath(String name, String etag) {
        String token = etag.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))
                ? etag : HexFormat.of().formatHex(etag.getBytes(StandardCharsets.UTF_8));
        return root.resolve(VERSIONS_DIRECTORY).resolve(name + "@" + token);
    }

    /** The objects the {@link FidIndex} names for this FID. */
    @Override
    public List<String> findByFid(String fid) throws ArchiveException {
        return fidIndex.find(fid);
    }

    @Override
    public ObjectListing list(String prefix, String continuationToken, int pageSize) throws ArchiveException {
        if (pageSize < 1) {
            throw ArchiveException.of(Kind.INVALID, prefix, "page size must be positive: " + pageSize);
        }
        return new PosixTreeListing(root).page(prefix == null ? "" : prefix, continuationToken, pageSize);
    }

    @Override
    public void putMarker(String name, ObjectAttributes attributes) throws ArchiveException {
        Path path = checkedPath(name);
        Map<String, String> metadata = new HashMap<>(attributes.metadata());
        metadata.putIfAbsent(BlobMetadataCodec.IS_FOLDER, "true");
        ObjectAttributes marker = new ObjectAttributes(attributes.contentMd5(), metadata);
        MetadataLimits.check(name, marker.metadata());
        try {
            if (storedObject(name, path) != null) {
                return;
            }
            Files.createDirectories(path);
            ObjectXattrs.write(name, path, RandomTokens.next(), marker);
        } catch (IOException e) {
            throw PosixErrors.map(name, "creating the directory marker", e);
        }
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    private Path checkedPath(String name) throws ArchiveException {
        ObjectNames.validate(name);
        Path path = root.resolve(name).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw ArchiveException.of(Kind.INVALID, name, "the name resolves outside the archive root");
        }
        if (path.startsWith(root.resolve(VERSIONS_DIRECTORY))) {
            throw ArchiveException.of(Kind.INVALID, name,
                    VERSIONS_DIRECTORY + "/ holds preserved versions, not objects");
        }
        if (FidIndex.isIndexPath(root, path)) {
            throw ArchiveException.of(Kind.INVALID, name, FidIndex.DIRECTORY + "/ holds the FID index, not objects");
        }
        return path;
    }

    private static void checkEtag(String name, Path path, String expectedEtag) throws ArchiveException {
        if (expectedEtag == null) {
            return;
        }
        try {
            // Our ETag alone (a listing and one read) where the object's whole description read every attribute,
            // an open each, twice per read; only an object without ours needs the rest for its derived ETag.
            String etag;
            try {
                etag = ObjectXattrs.etag(path);
            } catch (NoSuchFileException e) {
                throw e;
            } catch (IOException notPlain) {
                etag = null; // a symlink (refused: no link is followed) or stranger: judged in full below
            }
            if (etag == null) {
                StoredObject current = storedObject(name, path);
                if (current == null) {
                    throw ArchiveException.of(Kind.NOT_FOUND, name, "no such object");
                }
                etag = current.etag();
            }
            if (!expectedEtag.equals(etag)) {
                throw ArchiveException.of(Kind.PRECONDITION, name,
                        "ETag is " + etag + ", not the expected " + expectedEtag);
            }
        } catch (NoSuchFileException e) {
            throw ArchiveException.of(Kind.NOT_FOUND, name, "no such object");
        } catch (IOException e) {
            throw PosixErrors.map(name, "reading the ETag", e);
        }
    }
}

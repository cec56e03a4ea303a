package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ContentMd5;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.FileAttributes;
import io.azlhsm.copytool.archive.metadata.FileType;
import io.azlhsm.copytool.jobs.JobChanges;
import io.azlhsm.copytool.operations.LiveFidFiles;
import io.azlhsm.copytool.ownership.ConditionalWriter;
import io.azlhsm.copytool.ownership.NameOwnership;
import io.azlhsm.copytool.ownership.WriterIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Exports a symlink as AMLFS does: a blob named as the link, metadata {@code ftype=LNK} (plus owner, group, mode and
 * times), body = the link's target, which our import (and AMLFS's) turns back into a symlink; and with azcopy's
 * marker {@code is_symlink=true}, so {@code azcopy copy --preserve-symlinks} downloads it as a symlink too.
 *
 * <p>Put once, and again only when the target changed. Unlike a directory, a symlink cannot remember its blob in an
 * xattr of its own (the kernel refuses {@code user.*} xattrs on symlinks), so the blob itself is the record: its
 * Content-MD5 is the MD5 of the target, and a later run compares it with one metadata request (no body read) and
 * puts nothing while it matches (and carries azcopy's marker: a blob an older version wrote without it is put once
 * more).
 */
public final class SymlinkBlobs {
    /** A target longer than this cannot be a symlink blob (AMLFS's limit; PATH_MAX on Linux). */
    public static final int TARGET_MAX = 4096;

    private final Path mount;
    private final ArchiveBackend backend;
    private final JobChanges changes;
    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    private final ConditionalWriter writer;

    /**
     * @param changes where the put is made (or, in a dry run, recorded; the put's check of who owns a blob already
     *                at the name is then not made either: it is part of the conditional write)
     */
    public SymlinkBlobs(Path mount, ArchiveBackend backend, JobChanges changes) {
        this.mount = mount;
        this.backend = backend;
        this.changes = changes;
        this.writer = new ConditionalWriter(backend, new NameOwnership(new LiveFidFiles(mount)));
    }

    /** The link's object name. */
    public String objectName(Path link) throws ArchiveException {
        return backend.objectName(mount.relativize(link).toString());
    }

    /**
     * Puts the link's blob unless the archive holds it already with this target.
     *
     * @return true when the blob was put (new link or changed target)
     * @throws IOException when the link cannot be read, or its target is too long or not UTF-8 clean
     */
    public boolean ensure(Path link) throws IOException, ArchiveException {
        String name = objectName(link);
        byte[] target = Files.readSymbolicLink(link).toString().getBytes(StandardCharsets.UTF_8);
        if (target.length == 0 || target.length > TARGET_MAX) {
            throw new IOException("its target has " + target.length + " bytes; a symlink blob holds 1 to "
                    + TARGET_MAX);
        }
        byte[] md5 = ContentMd5.of(ByteBuffer.wrap(target));
        Optional<StoredObject> stored = backend.stat(name);
        if (stored.isPresent() && isSymlinkBlob(stored.get()) && hasAzcopyMarker(stored.get())
                && Arrays.equals(md5, stored.get().contentMd5())) {
            return false;
        }
        // A file's copy at the link's name (the link replaced an archived file) is kept for that file if it needs it.
        WriteCondition believed = stored.map(s -> WriteCondition.etag(s.etag())).orElse(WriteCondition.absent());
        ObjectAttributes objectAttributes = new ObjectAttributes(md5, codec.encode(attributes(link)));
        if (stored.isPresent() && !isSymlinkBlob(stored.get())) {
            believed = WriteCondition.absent(); // not ours to overwrite unseen: the writer judges it first
        }
        // a symlink has no FID in its blobs: its identity never matches a file's copy
        WriteCondition condition = believed;
        changes.apply("put symlink blob", link.toString(), name, () -> writer.write(name, condition,
                new WriterIdentity("(symlink " + link + ")", null, target.length, md5, null),
                c -> backend.putWhole(name, ByteBuffer.wrap(target), objectAttributes, c), "symlink " + link));
        return true;
    }

    /**
     * The blob this export puts for the link, found as {@link #ensure} finds it: a symlink blob at the link's name
     * whose Content-MD5 is its target's (symlink blobs carry no FID); empty when the name holds anything else.
     */
    public Optional<StoredObject> blobOf(Path link) throws IOException, ArchiveException {
        byte[] target = Files.readSymbolicLink(link).toString().getBytes(StandardCharsets.UTF_8);
        byte[] md5 = ContentMd5.of(ByteBuffer.wrap(target));
        return backend.stat(objectName(link))
                .filter(stored -> isSymlinkBlob(stored) && Arrays.equals(md5, stored.contentMd5()));
    }

    /** The metadata {@link #ensure} gives the link's blob now (owner, group, mode, times). */
    public Map<String, String> metadataOf(Path link) throws IOException {
        return codec.encode(attributes(link));
    }

    private static boolean isSymlinkBlob(StoredObject object) {
        return object.metadata().entrySet().stream()
                .anyMatch(e -> e.getKey().equalsIgnoreCase(BlobMetadataCodec.FILE_TYPE)
                        && e.getValue().equalsIgnoreCase(BlobMetadataCodec.SYMLINK_FILE_TYPE));
    }

    private static boolean hasAzcopyMarker(StoredObject object) {
        return object.metadata().entrySet().stream()
                .anyMatch(e -> e.getKey().equalsIgnoreCase(BlobMetadataCodec.IS_SYMLINK)
                        && e.getValue().equalsIgnoreCase("true"));
    }

    private static FileAttributes attributes(Path link) throws IOException {
        Map<String, Object> unix = Files.readAttributes(link,
                "unix:mode,uid,gid,lastModifiedTime,lastAccessTime,ctime", LinkOption.NOFOLLOW_LINKS);
        return new FileAttributes(FileType.SYMLINK, ((Integer) unix.get("uid")) & 0xFFFF_FFFFL,
                ((Integer) unix.get("gid")) & 0xFFFF_FFFFL, ((Integer) unix.get("mode")) & 07777,
                ((FileTime) unix.get("lastModifiedTime")).toInstant(),
                ((FileTime) unix.get("lastAccessTime")).toInstant(), ((FileTime) unix.get("ctime")).toInstant(),
                null, null, null, null);
    }
}

package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ObjectAttributes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An archived object's identity and attributes, kept in {@code user.} extended attributes of its file (or marker
 * directory) so they travel with it through renames:
 * <ul>
 *   <li>{@code user.azlhsm.etag}: a random token written at commit, so a replaced object has a new ETag;</li>
 *   <li>{@code user.azlhsm.md5}: the 16-byte Content-MD5;</li>
 *   <li>{@code user.azlhsm.meta.<name>}: one attribute per metadata entry (readable with getfattr).</li>
 * </ul>
 * Note: ext4 without the ea_inode feature keeps all of a file's xattrs in about 4 KiB; larger metadata is refused
 * TOO_LARGE there, while xfs and tmpfs hold Azure's full 8 KiB.
 */
final class ObjectXattrs {
    private static final String ETAG = "azlhsm.etag";
    private static final String MD5 = "azlhsm.md5";
    private static final String META_PREFIX = "azlhsm.meta.";
    /** Linux's largest extended attribute value. */
    private static final int XATTR_SIZE_MAX = 64 * 1024;

    private ObjectXattrs() {
    }

    /** Writes identity and attributes onto {@code file}, replacing none (it is a fresh temporary file). */
    static void write(String objectName, Path file, String etag, ObjectAttributes attributes) throws ArchiveException {
        UserDefinedFileAttributeView view = view(file);
        try {
            put(view, ETAG, etag.getBytes(StandardCharsets.US_ASCII));
            byte[] md5 = attributes.contentMd5();
            if (md5 != null) {
                put(view, MD5, md5);
            }
            for (Map.Entry<String, String> entry : attributes.metadata().entrySet()) {
                put(view, META_PREFIX + entry.getKey(), entry.getValue().getBytes(StandardCharsets.US_ASCII));
            }
        } catch (FileSystemException e) {
            if (refusedForSize(e)) {
                throw ArchiveException.of(Kind.TOO_LARGE, objectName, "the file system refused the object's "
                        + "metadata as extended attributes (" + e.getReason() + ")", e);
            }
            throw PosixErrors.map(objectName, "writing extended attributes", e);
        } catch (IOException e) {
            throw PosixErrors.map(objectName, "writing extended attributes", e);
        }
    }

    /** Gives an existing object's file a new ETag (after an append changed its data). */
    static void replaceEtag(String objectName, Path file, String etag) throws ArchiveException {
        try {
            put(view(file), ETAG, etag.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw PosixErrors.map(objectName, "writing extended attributes", e);
        }
    }

    /** What an object's file carries: our ETag (null if another tool placed it), Content-MD5 (or null), metadata. */
    record Stored(String etag, byte[] contentMd5, Map<String, String> metadata) {
    }

    /**
     * Everything of ours on {@code file} with one listing and one read per attribute (each attribute access opens
     * the file again, so this halves the opens of reading ETag, MD5 and metadata one by one).
     */
    static Stored read(Path file) throws IOException {
        UserDefinedFileAttributeView view = view(file);
        ByteBuffer buffer = ByteBuffer.allocate(XATTR_SIZE_MAX);
        String etag = null;
        byte[] md5 = null;
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String name : view.list()) {
            if (name.equals(ETAG)) {
                etag = new String(read(view, name, buffer), StandardCharsets.US_ASCII);
            } else if (name.equals(MD5)) {
                md5 = read(view, name, buffer);
            } else if (name.startsWith(META_PREFIX)) {
                metadata.put(name.substring(META_PREFIX.length()),
                        new String(read(view, name, buffer), StandardCharsets.US_ASCII));
            }
        }
        return new Stored(etag, md5, metadata);
    }

    /**
     * Our ETag on {@code file}, or null when it carries none (another tool placed it: see {@link #foreignEtag}).
     *
     * @throws java.nio.file.NoSuchFileException when there is no such file
     */
    static String etag(Path file) throws IOException {
        byte[] etag = get(Files.getFileAttributeView(file, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS), ETAG);
        return etag == null ? null : new String(etag, StandardCharsets.US_ASCII);
    }

    /** The ETag of a file without ours: derived from what changes when it is replaced or rewritten. */
    static String foreignEtag(BasicFileAttributes basic) {
        return "foreign-" + basic.fileKey() + "-" + basic.lastModifiedTime().toMillis() + "-" + basic.size();
    }

    /** Whether {@code directory} carries a marker ETag, i.e. was created by putMarker. */
    static boolean isMarker(Path directory) throws IOException {
        return get(view(directory), ETAG) != null;
    }

    /**
     * Removes a directory marker: the directory itself when empty, else only its attributes (it still holds other
     * objects, which in a blob container would simply be names under it).
     */
    static void removeMarker(Path directory) throws IOException {
        try (var children = Files.list(directory)) {
            if (children.findAny().isEmpty()) {
                Files.delete(directory);
                return;
            }
        }
        UserDefinedFileAttributeView view = view(directory);
        for (String name : view.list()) {
            if (name.equals(ETAG) || name.equals(MD5) || name.startsWith(META_PREFIX)) {
                view.delete(name);
            }
        }
    }

    private static UserDefinedFileAttributeView view(Path file) {
        return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    }

    private static void put(UserDefinedFileAttributeView view, String name, byte[] value) throws IOException {
        view.write(name, ByteBuffer.wrap(value));
    }

    private static byte[] get(UserDefinedFileAttributeView view, String name) throws IOException {
        return view.list().contains(name) ? read(view, name) : null;
    }

    private static byte[] read(UserDefinedFileAttributeView view, String name) throws IOException {
        return read(view, name, ByteBuffer.allocate(XATTR_SIZE_MAX));
    }

    /** One attribute's value, read through {@code buffer} (cleared first; large enough for any value). */
    private static byte[] read(UserDefinedFileAttributeView view, String name, ByteBuffer buffer) throws IOException {
        buffer.clear();
        view.read(name, buffer);
        buffer.flip();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        return value;
    }

    /** ENOSPC, E2BIG, ERANGE: the attributes do not fit, which the caller can only fix by storing less. */
    private static boolean refusedForSize(FileSystemException e) {
        String reason = e.getReason();
        return reason != null && (reason.contains("No space left") || reason.contains("Argument list too long")
                || reason.contains("out of range"));
    }
}

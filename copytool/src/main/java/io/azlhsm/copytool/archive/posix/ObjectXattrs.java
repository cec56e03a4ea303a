package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ObjectAttributes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
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

    /** The ETag of {@code file}: ours when we wrote it, else one derived from inode, mtime and size. */
    static String etag(Path file, BasicFileAttributes basic) throws IOException {
        byte[] ours = get(view(file), ETAG);
        if (ours != null) {
            return new String(ours, StandardCharsets.US_ASCII);
        }
        // Placed by another tool: identity from what changes when the file is replaced or rewritten.
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

    static byte[] contentMd5(Path file) throws IOException {
        return get(view(file), MD5);
    }

    static Map<String, String> metadata(Path file) throws IOException {
        UserDefinedFileAttributeView view = view(file);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String name : view.list()) {
            if (name.startsWith(META_PREFIX)) {
                metadata.put(name.substring(META_PREFIX.length()),
                        new String(read(view, name), StandardCharsets.US_ASCII));
            }
        }
        return metadata;
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
        ByteBuffer buffer = ByteBuffer.allocate(view.size(name));
        view.read(name, buffer);
        return buffer.array();
    }

    /** ENOSPC, E2BIG, ERANGE: the attributes do not fit, which the caller can only fix by storing less. */
    private static boolean refusedForSize(FileSystemException e) {
        String reason = e.getReason();
        return reason != null && (reason.contains("No space left") || reason.contains("Argument list too long")
                || reason.contains("out of range"));
    }
}

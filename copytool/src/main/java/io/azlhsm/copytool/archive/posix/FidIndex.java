package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The FID index of a posix archive, the counterpart of an Azure blob's FID tag: {@code <root>/.azlhsm-fids/<FID>/<SHA-256
 * of the name>} is a symlink whose target is the name of an object written for that file. It is made before the object
 * is published (one symlink(2), and a mkdir for a file's first object), so no published object of a file misses its
 * entry; an entry whose object is gone, was never published, or now belongs to another file is dropped when found.
 * A symlink holds no data: an overwritten object's space is freed as before (a hard link would keep it).
 */
final class FidIndex {
    static final String DIRECTORY = ".azlhsm-fids";

    private final Path directory;
    private final Path root;

    FidIndex(Path root) {
        this.root = root;
        this.directory = root.resolve(DIRECTORY);
    }

    /** Records that {@code name} is being written for the FID in {@code metadata} (nothing without one). */
    void record(String name, Map<String, String> metadata) throws ArchiveException {
        String fid = fidOf(metadata);
        if (fid == null) {
            return;
        }
        Path entry = entry(fid, name);
        try {
            Files.createDirectories(entry.getParent());
            Files.createSymbolicLink(entry, Path.of(name));
        } catch (FileAlreadyExistsException recorded) {
            // written for this file before (a re-archive): the entry already says so
        } catch (IOException e) {
            throw PosixErrors.map(name, "recording it in the FID index " + entry, e);
        }
    }

    /** The names of the objects that carry this FID now; stale entries are dropped on the way. */
    List<String> find(String fid) throws ArchiveException {
        String bare = bare(fid);
        Path files = directory.resolve(bare);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(files)) {
            for (Path entry : entries) {
                String name;
                try {
                    name = Files.readSymbolicLink(entry).toString();
                } catch (NoSuchFileException | java.nio.file.NotLinkException gone) {
                    continue;
                }
                StoredObject object = PosixBackend.storedObject(name, root.resolve(name).normalize());
                if (object != null && bare.equals(fidOf(object.metadata()))) {
                    names.add(name);
                } else {
                    Files.deleteIfExists(entry); // gone, never published, or another file's now
                }
            }
        } catch (NoSuchFileException none) {
            return List.of();
        } catch (IOException e) {
            throw PosixErrors.map(null, "reading the FID index " + files, e);
        }
        return names;
    }

    /** Drops the entry of a deleted object (best effort: {@link #find} drops stale entries anyway). */
    void forget(String name, Map<String, String> metadata) {
        String fid = fidOf(metadata);
        if (fid == null) {
            return;
        }
        try {
            Path entry = entry(fid, name);
            Files.deleteIfExists(entry);
            Files.deleteIfExists(entry.getParent()); // fails while the file has other objects: kept then
        } catch (IOException | ArchiveException ignored) {
            // left for find()
        }
    }

    private Path entry(String bareFid, String name) throws ArchiveException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(bareFid).resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The metadata's FID without brackets, or null; only hex digits, x and colons make a directory name here. */
    private static String fidOf(Map<String, String> metadata) {
        String fid = metadata.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(BlobMetadataCodec.FID))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        try {
            return fid == null ? null : bare(fid);
        } catch (ArchiveException notAFid) {
            return null;
        }
    }

    private static String bare(String fid) throws ArchiveException {
        String bare = fid.startsWith("[") && fid.endsWith("]") ? fid.substring(1, fid.length() - 1) : fid;
        if (!bare.matches("[0-9a-fA-Fx:]{1,64}")) {
            throw ArchiveException.of(Kind.INVALID, null, "not a FID: " + fid);
        }
        return bare;
    }

    /** True for paths inside the index, which are never objects. */
    static boolean isIndexPath(Path root, Path path) {
        return path.startsWith(root.resolve(DIRECTORY));
    }
}

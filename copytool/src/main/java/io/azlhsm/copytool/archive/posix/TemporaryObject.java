package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.RandomTokens;
import io.azlhsm.copytool.archive.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file {@code <name>.tmp-<token>} an object is written to before it is renamed into place. Positional writes
 * from several threads are safe (FileChannel positional writes do not share a file pointer).
 */
final class TemporaryObject {
    private static final String MARK = ".tmp-";

    private final String objectName;
    private final Path target;
    private final Path path;
    private final FileChannel channel;

    private TemporaryObject(String objectName, Path target, Path path, FileChannel channel) {
        this.objectName = objectName;
        this.target = target;
        this.path = path;
        this.channel = channel;
    }

    /** Creates a new, empty temporary file beside {@code target}. */
    static TemporaryObject create(String objectName, Path target) throws ArchiveException {
        Path path = target.resolveSibling(target.getFileName() + MARK + RandomTokens.next());
        try {
            Files.createDirectories(target.getParent());
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new TemporaryObject(objectName, target, path, channel);
        } catch (IOException e) {
            throw PosixErrors.map(objectName, "creating " + path.getFileName(), e);
        }
    }

    /** Whether a file name is one of ours in progress (listings skip them). */
    static boolean isTemporaryName(String fileName) {
        int mark = fileName.lastIndexOf(MARK);
        return mark >= 0 && fileName.length() - mark - MARK.length() == RandomTokens.LENGTH
                && fileName.substring(mark + MARK.length()).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** Writes all of {@code data}'s remaining bytes at {@code position}. */
    void write(ByteBuffer data, long position) throws ArchiveException {
        try {
            long at = position;
            while (data.hasRemaining()) {
                at += channel.write(data, at);
            }
        } catch (IOException e) {
            throw PosixErrors.map(objectName, "writing " + path.getFileName(), e);
        }
    }

    /**
     * Sets the attributes and a fresh ETag, forces data and directory to disk and renames the file over the
     * object's name: readers see the old object or the new one, never a part.
     */
    StoredObject publish(ObjectAttributes attributes) throws ArchiveException {
        try {
            ObjectXattrs.write(objectName, path, RandomTokens.next(), attributes);
            channel.force(true);
            channel.close();
            // Describe before the rename: a concurrent writer may replace the target right after it.
            StoredObject published = PosixBackend.storedObject(objectName, path);
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(target.getParent());
            return published;
        } catch (IOException e) {
            throw PosixErrors.map(objectName, "publishing " + path.getFileName(), e);
        }
    }

    /** Closes and deletes the temporary file if it is still there; never fails. */
    void discard() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a write channel we are abandoning
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover temporary file is skipped by listings and harmless
        }
    }

    private static void forceDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}

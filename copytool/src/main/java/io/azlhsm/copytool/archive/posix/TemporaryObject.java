package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.RandomTokens;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The file {@code <name>.tmp-<token>} an object is written to before it is renamed into place. Positional writes
 * from several threads are safe (FileChannel positional writes do not share a file pointer).
 */
final class TemporaryObject {
    private static final String MARK = ".tmp-";
    /** Serialise this JVM's conditional publishes of one name (striped by path). */
    private static final Object[] NAME_LOCKS = new Object[64];

    static {
        for (int i = 0; i < NAME_LOCKS.length; i++) {
            NAME_LOCKS[i] = new Object();
        }
    }

    /** The lock serialising this JVM's conditional writes (publishes, appends) of the object at {@code target}. */
    static Object lockFor(Path target) {
        return NAME_LOCKS[Math.floorMod(target.hashCode(), NAME_LOCKS.length)];
    }

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
            FileChannel channel;
            try {
                channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (NoSuchFileException noDirectory) {
                // the directories only when missing: making sure of them first cost every object a mkdir and a stat
                Files.createDirectories(target.getParent());
                channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
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
     * Sets the attributes and a fresh ETag, forces data and directory to disk and puts the file at the object's name
     * if {@code condition} holds: readers see the old object or the new one, never a part.
     *
     * <p>"Absent" is a hard link, which the file system refuses atomically when the name exists, on every node. "This
     * ETag" compares and renames under a lock of this JVM: writers on one data mover are serialised, writers on two
     * data movers of one shared archive directory can interleave between the comparison and the rename (the posix
     * archive's limit; Azure evaluates the condition inside the service).
     */
    StoredObject publish(ObjectAttributes attributes, WriteCondition condition) throws ArchiveException {
        try {
            String etag = RandomTokens.next();
            ObjectXattrs.write(objectName, path, etag, attributes);
            if (channel.isOpen()) { // a publish refused PRECONDITION may be tried again with another condition
                channel.force(true);
                channel.close();
            }
            // Describe before publishing: a concurrent writer may replace the target right after it. The size and
            // time are the file's own; the ETag, MD5 and metadata are what was just written on it (reading them back
            // cost an open per attribute, a fifth of a small file's archive).
            BasicFileAttributes written = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            StoredObject published = new StoredObject(objectName, written.size(), etag, attributes.contentMd5(),
                    attributes.metadata(), written.lastModifiedTime().toInstant());
            synchronized (lockFor(target)) {
                if (condition.requiresAbsent()) {
                    try {
                        Files.createLink(target, path);
                    } catch (FileAlreadyExistsException exists) {
                        throw ArchiveException.of(Kind.PRECONDITION, objectName,
                                "an object exists (" + condition + ")");
                    }
                    Files.delete(path);
                } else {
                    StoredObject current = PosixBackend.storedObject(objectName, target);
                    if (current == null || !condition.etag().equals(current.etag())) {
                        throw ArchiveException.of(Kind.PRECONDITION, objectName, "ETag is " + (current == null
                                ? "none (no object)" : current.etag()) + ", not " + condition.etag());
                    }
                    Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
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

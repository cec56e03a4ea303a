package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.lustre.HeldFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and writes {@link ArchiveRecord}s on Lustre files, addressed by FID path ({@code <mnt>/.lustre/fid/<FID>})
 * so a rename between archive and restore does not matter. Reading or writing an extended attribute never triggers
 * a restore of a released file and does not change its data version.
 *
 * <p>The record is {@value ArchiveRecord#XATTR_NAME}, which needs root: the agent runs as root anyway (registering a
 * copytool does). Asked for by name, never found by listing: one getxattr per archive and restore.
 */
public final class ArchiveRecordStore {
    /** The file's record; empty when it has none (or an unreadable one: callers fall back to other lookups). */
    public Optional<ArchiveRecord> read(Path file) throws IOException {
        return ExtendedAttributes.get(file, ArchiveRecord.XATTR_NAME)
                .flatMap(value -> ArchiveRecord.decode(new String(value, StandardCharsets.UTF_8)));
    }

    /**
     * The record of the file open as fd (an archive's source): as {@link #read(Path)}, without looking up the
     * file's FID path (one request to the MDS fewer on Lustre, one FUSE LOOKUP in the simulator).
     *
     * @param subject names the file in an error
     */
    public Optional<ArchiveRecord> read(int fd, String subject) throws IOException {
        return ExtendedAttributes.get(fd, subject, ArchiveRecord.XATTR_NAME)
                .flatMap(value -> ArchiveRecord.decode(new String(value, StandardCharsets.UTF_8)));
    }

    /** The record of a held file: as {@link #read(Path)}, without looking the file's name up again. */
    public Optional<ArchiveRecord> read(HeldFile held) throws IOException {
        return ExtendedAttributes.get(held, ArchiveRecord.XATTR_NAME)
                .flatMap(value -> ArchiveRecord.decode(new String(value, StandardCharsets.UTF_8)));
    }

    /** Writes the record of the file open as fd, as {@link #read(int, String)} reads it. */
    public void write(int fd, String subject, ArchiveRecord record) throws IOException {
        ExtendedAttributes.set(fd, subject, ArchiveRecord.XATTR_NAME,
                record.encode().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the record of the file open as fd unless it has one already (one request: see
     * {@link ExtendedAttributes#create}).
     *
     * @return false when the file had a record (written meanwhile by another agent): nothing was written
     */
    public boolean create(int fd, String subject, ArchiveRecord record) throws IOException {
        return ExtendedAttributes.create(fd, subject, ArchiveRecord.XATTR_NAME,
                record.encode().getBytes(StandardCharsets.UTF_8));
    }

    public void write(Path file, ArchiveRecord record) throws IOException {
        ExtendedAttributes.set(file, ArchiveRecord.XATTR_NAME, record.encode().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Extended attribute naming the ETag of a copy {@code copytool check --repair} found damaged (its size or its
     * bytes are not the file's): the next archive of the file writes a new copy instead of taking the recorded one
     * for current ({@code ArchiveTransfer}'s already-archived test). Keyed by ETag, so it says nothing of any later
     * copy; the repair removes it once the new copy is recorded.
     */
    public static final String DAMAGED_XATTR = "trusted.azlhsm.damaged";

    /** Marks the copy of this ETag damaged (see {@link #DAMAGED_XATTR}). */
    public void markDamaged(Path file, String etag) throws IOException {
        ExtendedAttributes.set(file, DAMAGED_XATTR, etag.getBytes(StandardCharsets.UTF_8));
    }

    /** True when {@link #markDamaged} named the ETag this record names. */
    public boolean damaged(Path file, ArchiveRecord record) throws IOException {
        return record.etag() != null && ExtendedAttributes.get(file, DAMAGED_XATTR)
                .map(value -> new String(value, StandardCharsets.UTF_8).equals(record.etag())).orElse(false);
    }

    /** Removes the damaged mark; a file without one is fine. */
    public void clearDamaged(Path file) throws IOException {
        try {
            ExtendedAttributes.remove(file, DAMAGED_XATTR);
        } catch (NoSuchFileException gone) {
            // nothing to clear
        }
    }

    /** Removes the record; a file without one is fine. */
    public void clear(Path file) throws IOException {
        try {
            ExtendedAttributes.remove(file, ArchiveRecord.XATTR_NAME);
        } catch (NoSuchFileException gone) {
            // REMOVE of an unlinked file: nothing left to clear
        }
    }
}

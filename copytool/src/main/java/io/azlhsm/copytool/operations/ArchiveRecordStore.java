package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.ExtendedAttributes;
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

    public void write(Path file, ArchiveRecord record) throws IOException {
        ExtendedAttributes.set(file, ArchiveRecord.XATTR_NAME, record.encode().getBytes(StandardCharsets.UTF_8));
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

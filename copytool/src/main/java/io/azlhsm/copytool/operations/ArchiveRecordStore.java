package io.azlhsm.copytool.operations;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;

/**
 * Reads and writes {@link ArchiveRecord}s on Lustre files, addressed by FID path ({@code <mnt>/.lustre/fid/<FID>})
 * so a rename between archive and restore does not matter. Reading or writing an extended attribute never triggers
 * a restore of a released file and does not change its data version.
 */
public final class ArchiveRecordStore {
    private static final String VIEW_NAME = ArchiveRecord.XATTR_NAME.substring("user.".length());
    private static final int RECORD_BUFFER = 8192;

    /** The file's record; empty when it has none (or an unreadable one: callers fall back to other lookups). */
    public Optional<ArchiveRecord> read(Path file) throws IOException {
        UserDefinedFileAttributeView view = view(file);
        try {
            // Asked for by name, not found by listing: listing is slower and some file systems filter it. One
            // getxattr into a buffer any record fits (a blob name is at most 1,024 characters), not a size query
            // first: this runs for every archive and restore.
            ByteBuffer value = ByteBuffer.allocate(RECORD_BUFFER);
            view.read(VIEW_NAME, value);
            return ArchiveRecord.decode(new String(value.array(), 0, value.position(), StandardCharsets.UTF_8));
        } catch (FileSystemException e) {
            if (isNoSuchAttribute(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public void write(Path file, ArchiveRecord record) throws IOException {
        view(file).write(VIEW_NAME, ByteBuffer.wrap(record.encode().getBytes(StandardCharsets.UTF_8)));
    }

    /** Removes the record; a file without one is fine. */
    public void clear(Path file) throws IOException {
        try {
            view(file).delete(VIEW_NAME);
        } catch (java.nio.file.NoSuchFileException gone) {
            // REMOVE of an unlinked file: nothing left to clear
        } catch (FileSystemException e) {
            if (!isNoSuchAttribute(e)) {
                throw new IOException("cannot clear " + ArchiveRecord.XATTR_NAME + " on " + file + ": " + e.getReason(),
                        e);
            }
        }
    }

    /** getxattr/removexattr of an absent name fail with ENODATA, which Java reports only as its text. */
    private static boolean isNoSuchAttribute(FileSystemException e) {
        String reason = e.getReason();
        return reason != null && (reason.contains("No data available") || reason.contains("No such attribute"));
    }

    private static UserDefinedFileAttributeView view(Path file) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new IOException("file system of " + file + " has no user extended attributes");
        }
        return view;
    }
}

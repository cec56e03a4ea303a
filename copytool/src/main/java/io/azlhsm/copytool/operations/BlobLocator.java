package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.LustreFids;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the blob a RESTORE or REMOVE is about, in order of trust:
 * <ol>
 *   <li>the file's {@link ArchiveRecord} (exact name, ETag and MD5 recorded when this copytool archived or imported
 *       it: survives renames);</li>
 *   <li>{@code --data '{"file_id":"<blob>"}'} on the request (files archived or imported by lemur-based tools);</li>
 *   <li>the file's current path under the archive prefix (files archived by path-named tools such as AMLFS's).</li>
 * </ol>
 */
final class BlobLocator {
    private static final Pattern FILE_ID = Pattern.compile("\"file_id\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * @param blob   object name in the archive
     * @param record the archive record it came from, when it came from one (carries the expected ETag and MD5)
     * @param how    which of the three ways found it, for logs
     */
    record Located(String blob, Optional<ArchiveRecord> record, String how) {
    }

    private final ArchiveRecordStore records;
    private final LustreFids fids;

    BlobLocator(ArchiveRecordStore records, LustreFids fids) {
        this.records = records;
        this.fids = fids;
    }

    Located locate(LustreFile file, HsmActionItem item, int archiveId, ArchiveBackend backend) throws Exception {
        Optional<ArchiveRecord> record = records.read(file.fidPath());
        if (record.isPresent() && record.get().archiveId() == archiveId) {
            return new Located(record.get().blob(), record, "archive record");
        }
        Optional<String> fileId = fileIdOf(item.dataAsText());
        if (fileId.isPresent()) {
            return new Located(fileId.get(), Optional.empty(), "request data file_id");
        }
        return new Located(backend.objectName(file.relativePath(fids)), Optional.empty(), "current path");
    }

    /** The {@code file_id} of a request's JSON data, if it has one. */
    static Optional<String> fileIdOf(String data) {
        if (data == null || data.isEmpty()) {
            return Optional.empty();
        }
        Matcher matcher = FILE_ID.matcher(data);
        if (!matcher.find()) {
            return Optional.empty();
        }
        return Optional.of(matcher.group(1).replaceAll("\\\\(.)", "$1"));
    }
}

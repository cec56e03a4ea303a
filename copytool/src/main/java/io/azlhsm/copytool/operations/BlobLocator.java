package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.lustre.Errno;
import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreFids;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the blob a RESTORE or REMOVE is about, in order of trust:
 * <ol>
 *   <li>the file's {@link ArchiveRecord} (exact name, ETag and MD5 recorded when this copytool archived or imported
 *       it: survives renames; root-only, so its owner cannot have pointed it elsewhere);</li>
 *   <li>{@code --data '{"file_id":"<blob>"}'} on the request (files archived or imported by lemur-based tools);</li>
 *   <li>the file's current path under the archive prefix (files archived by path-named tools such as AMLFS's).</li>
 * </ol>
 * The last two serve only a file without a record for the request's archive, and they are names anyone can give: a
 * file's owner may request a restore with any {@code file_id}, or rename their file over another's path. So a blob
 * found by either is looked at first (one stat) and refused when its {@value BlobMetadataCodec#FID} metadata names
 * another file: that blob was archived from a file the requester may have no right to read, and restoring it would
 * hand them its bytes. A blob without that key (another tool's) is taken on trust, as those tools do.
 */
final class BlobLocator {
    private static final Pattern FILE_ID = Pattern.compile("\"file_id\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * @param blob   object name in the archive
     * @param record the archive record it came from, when it came from one (carries the expected ETag and MD5)
     * @param how    which of the three ways found it, for logs
     * @param stored what the stat of a blob found without a record returned (empty when the blob does not exist);
     *               always empty for a blob found by its record, which is not looked at here
     */
    record Located(String blob, Optional<ArchiveRecord> record, String how, Optional<StoredObject> stored) {
    }

    private final ArchiveRecordStore records;
    private final LustreFids fids;
    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    BlobLocator(ArchiveRecordStore records, LustreFids fids) {
        this.records = records;
        this.fids = fids;
    }

    Located locate(LustreFile file, HsmActionItem item, int archiveId, ArchiveBackend backend) throws Exception {
        Optional<ArchiveRecord> record = records.read(file.fidPath());
        if (record.isPresent() && record.get().archiveId() == archiveId) {
            return new Located(record.get().blob(), record, "archive record", Optional.empty());
        }
        Optional<String> fileId = fileIdOf(item.dataAsText());
        if (fileId.isPresent()) {
            return checked(file, fileId.get(), "request data file_id", backend);
        }
        return checked(file, backend.objectName(file.relativePath(fids)), "current path", backend);
    }

    /**
     * A blob found by name alone, for {@code file}: stats it, and refuses it when its FID metadata names another
     * file.
     *
     * @throws ActionFailure EPERM, naming the file, the blob and both FIDs, for another file's blob
     */
    Located checked(LustreFile file, String blob, String how, ArchiveBackend backend)
            throws ArchiveException, ActionFailure {
        Optional<StoredObject> stored = backend.stat(blob);
        Optional<String> owner = stored.flatMap(object -> codec.fid(object.metadata()));
        if (owner.isPresent() && !names(owner.get(), file.fid())) {
            throw new ActionFailure(Errno.EPERM, false, "file " + file.fid().bracketed() + pathOf(file)
                    + " has no archive record, and blob " + blob + " (found by " + how + ") was archived from "
                    + "another file: its " + BlobMetadataCodec.FID + " is " + owner.get() + ", not "
                    + file.fid().bracketed() + "; refused, the file is left as it is");
        }
        return new Located(blob, Optional.empty(), how, stored);
    }

    /** Whether the metadata's FID text is {@code fid}; text that is no FID at all names no file of ours. */
    private static boolean names(String text, LuFid fid) {
        try {
            return LuFid.parse(text).equals(fid);
        } catch (IllegalArgumentException notAFid) {
            return false;
        }
    }

    /** " (path p)" for the message of a refusal, or nothing when the file has no name any more. */
    private String pathOf(LustreFile file) {
        try {
            return " (path " + file.relativePath(fids) + ")";
        } catch (Exception unresolved) {
            return "";
        }
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

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
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the blob a RESTORE or REMOVE is about, in order of trust:
 * <ol>
 *   <li>the file's {@link ArchiveRecord} (exact name, ETag and MD5 recorded when this copytool archived or imported
 *       it: survives renames; root-only, so its owner cannot have pointed it elsewhere);</li>
 *   <li>on an azure archive, the lemur file id {@value LemurFileId#XATTR_NAME} that lemur's Azure data mover or the
 *       AMLFS hydrator's {@code --lemur} mode left (root-only too; see {@link LemurFileId}). Lemur itself lets a
 *       request's {@code file_id} win over it (agent_action.go:119-121); here the attribute only root can set
 *       wins, as the record does;</li>
 *   <li>{@code --data '{"file_id":"<blob>"}'} on the request (files archived or imported by lemur-based tools);</li>
 *   <li>the file's current path relative to the deepest of {@code archive.<id>.hydrator_roots} that holds it, as the
 *       blob's whole name (stubs the AMLFS hydrator imported in its default mode; see {@link ForeignNaming});</li>
 *   <li>the file's current path under the archive prefix (files archived by path-named tools such as AMLFS's).</li>
 * </ol>
 * Everything after the record serves only a file without a record for the request's archive, and the last three are
 * names anyone can give: a file's owner may request a restore with any {@code file_id}, or rename their file over
 * another's path. So a blob found by any of them is looked at first (one stat) and refused when its
 * {@value BlobMetadataCodec#FID} metadata names another file: that blob was archived from a file the requester may
 * have no right to read, and restoring it would hand them its bytes. A blob without that key (another tool's) is
 * taken on the identity its tool recorded: the stub's size (the restore refuses a blob of another size before it
 * writes a byte) and the blob's own checksum where it carries one; none of these tools records an ETag.
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
    private final IntFunction<ForeignNaming> foreignNaming;
    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    /** A locator that knows no other tool's naming (tests of the checks alone). */
    BlobLocator(ArchiveRecordStore records, LustreFids fids) {
        this(records, fids, archiveId -> ForeignNaming.NONE);
    }

    /** @param foreignNaming how other tools named their blobs, by archive id */
    BlobLocator(ArchiveRecordStore records, LustreFids fids, IntFunction<ForeignNaming> foreignNaming) {
        this.records = records;
        this.fids = fids;
        this.foreignNaming = foreignNaming;
    }

    Located locate(LustreFile file, HsmActionItem item, int archiveId, ArchiveBackend backend) throws Exception {
        return locate(file, item, archiveId, backend, records.read(file.fidPath()));
    }

    /**
     * As {@link #locate(LustreFile, HsmActionItem, int, ArchiveBackend)} with the file's record already read by the
     * caller (a restore reads it once, before its begin, for the saved layout too): one getxattr per restore, not two,
     * and the layout and the blob come from the same record.
     */
    Located locate(LustreFile file, HsmActionItem item, int archiveId, ArchiveBackend backend,
                   Optional<ArchiveRecord> record) throws Exception {
        if (record.isPresent() && record.get().archiveId() == archiveId) {
            return new Located(record.get().blob(), record, "archive record", Optional.empty());
        }
        ForeignNaming naming = foreignNaming.apply(archiveId);
        if (naming.applies()) {
            Optional<String> lemurId = LemurFileId.read(file.fidPath());
            if (lemurId.isPresent()) {
                return checked(file, lemurBlob(file, lemurId.get(), archiveId, naming, backend),
                        "lemur file id " + LemurFileId.XATTR_NAME + "=" + lemurId.get(), backend);
            }
        }
        Optional<String> fileId = fileIdOf(item.dataAsText());
        if (fileId.isPresent()) {
            return checked(file, fileId.get(), "request data file_id", backend);
        }
        String relative = file.relativePath(fids);
        Optional<ForeignNaming.HydratorName> hydrated = naming.hydratorName(relative);
        if (hydrated.isPresent()) {
            return checked(file, hydrated.get().blob(), hydrated.get().describe(), backend);
        }
        return checked(file, backend.objectName(relative), "current path", backend);
    }

    /**
     * The blob a lemur file id names, as lemur's az mover reads it (mover.go:74-89): an {@code az://} id names a
     * container and the whole blob name; a path id is a path under the archive prefix (lemur's {@code Prefix}).
     *
     * @throws ActionFailure EINVAL (not retried), naming the file, the id and the cause, for an id that names another
     *                       container (this archive reads only its own) or is no file id lemur could use either
     */
    private String lemurBlob(LustreFile file, String text, int archiveId, ForeignNaming naming,
                             ArchiveBackend backend) throws ActionFailure {
        String refused = "file " + file.fid().bracketed() + pathOf(file) + " has no archive record, and its "
                + LemurFileId.XATTR_NAME + " '" + text.replaceAll("\\p{Cntrl}", "?") + "' ";
        LemurFileId id;
        try {
            id = LemurFileId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ActionFailure(Errno.EINVAL, false, refused + "is no lemur file id: " + e.getMessage()
                    + "; refused, the file is left as it is");
        }
        if (id.container().isPresent()) {
            if (!id.container().equals(naming.container())) {
                throw new ActionFailure(Errno.EINVAL, false, refused + "names container " + id.container().get()
                        + ", but archive " + archiveId + " is container " + naming.container().orElse("(none)")
                        + "; refused, the file is left as it is (archive " + archiveId + " must be that container)");
            }
            return id.name();
        }
        try {
            return backend.objectName(id.name());
        } catch (ArchiveException e) {
            throw new ActionFailure(Errno.EINVAL, false, refused + "is no valid name under the archive prefix: "
                    + e.getMessage() + "; refused, the file is left as it is");
        }
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

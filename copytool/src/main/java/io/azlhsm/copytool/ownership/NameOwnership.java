package io.azlhsm.copytool.ownership;

import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Judges an object found at a name a writer wanted to write: may it be overwritten, must a copy of it be kept first,
 * or is it already the writer's own copy?
 *
 * <ul>
 *   <li>Written for the writer's own file (its {@code azlhsm_fid}): the writer's copy when data version, size and
 *       checksum are the writer's ({@link Verdict#ADOPT}: another agent archived the same version first), else an
 *       older copy of the same file, which the writer may replace.</li>
 *   <li>Written for another file that no longer exists: nobody needs it.</li>
 *   <li>Written for another live file, or by another tool (no {@code azlhsm_fid}: an imported stub anywhere may
 *       record it), or when the owner cannot be told: keep it first ({@link Verdict#PRESERVE}).</li>
 *   <li>A symlink blob: no file records those (a symlink is imported from its target text, never restored).</li>
 * </ul>
 */
public final class NameOwnership {
    /** What a writer may do with the object it found. */
    public enum Verdict {
        /** The object is the writer's own copy of exactly these bytes: use it, write nothing. */
        ADOPT,
        /** Nobody else needs the object: overwrite it, on its ETag. */
        OVERWRITE,
        /** Another file may still need the object: preserve it, then overwrite it on its ETag. */
        PRESERVE
    }

    /** The verdict and why, for the log. */
    public record Judgement(Verdict verdict, String reason) {
    }

    private static final Pattern BRACKETED_FID =
            Pattern.compile("\\[0x[0-9a-f]{1,16}:0x[0-9a-f]{1,8}:0x[0-9a-f]{1,8}]");

    private final LiveFiles files;

    public NameOwnership(LiveFiles files) {
        this.files = files;
    }

    public Judgement judge(StoredObject found, WriterIdentity writer) {
        Map<String, String> metadata = found.metadata();
        if (BlobMetadataCodec.SYMLINK_FILE_TYPE.equals(value(metadata, BlobMetadataCodec.FILE_TYPE))) {
            return new Judgement(Verdict.OVERWRITE, "a symlink blob, which no file records");
        }
        String fid = value(metadata, BlobMetadataCodec.FID);
        if (fid == null) {
            return new Judgement(Verdict.PRESERVE, "written by another tool (no " + BlobMetadataCodec.FID
                    + "): an imported file may record it");
        }
        if (fid.equals(writer.fid())) {
            return isSameCopy(found, writer) ? new Judgement(Verdict.ADOPT, "this file's copy of this data version")
                    : new Judgement(Verdict.OVERWRITE, "an older copy of this file");
        }
        if (!BRACKETED_FID.matcher(fid).matches()) {
            return new Judgement(Verdict.PRESERVE, "its " + BlobMetadataCodec.FID + " is not a FID: owner unknown");
        }
        try {
            if (!files.exists(fid)) {
                return new Judgement(Verdict.OVERWRITE, "written for file " + fid + ", which no longer exists");
            }
            // Live: whatever its record says now, it may be about to record this very copy (its archive committed
            // and has not written its record yet), so the copy is kept. A surplus snapshot costs little; a lost
            // copy is data loss.
            return new Judgement(Verdict.PRESERVE, "the copy of live file " + fid);
        } catch (IOException e) {
            return new Judgement(Verdict.PRESERVE, "written for file " + fid + ", which cannot be looked up ("
                    + e.getMessage() + ")");
        }
    }

    private static boolean isSameCopy(StoredObject found, WriterIdentity writer) {
        if (found.size() != writer.size() || writer.dataVersion() == null) {
            return false;
        }
        String version = value(found.metadata(), BlobMetadataCodec.DATA_VERSION);
        if (!Long.toUnsignedString(writer.dataVersion()).equals(version)) {
            return false;
        }
        if (writer.contentMd5() != null) {
            return Arrays.equals(writer.contentMd5(), found.contentMd5());
        }
        if (writer.crc32c() != null) {
            String crc = value(found.metadata(), BlobMetadataCodec.CRC32C);
            return crc != null && crc.equalsIgnoreCase(HexFormat.of().formatHex(writer.crc32c()));
        }
        return false; // nothing proves the bytes are the same
    }

    /** Metadata names are case-insensitive in Azure; the SDK may hand them back in another case. */
    private static String value(Map<String, String> metadata, String name) {
        if (metadata == null) {
            return null;
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }
}

package io.azlhsm.copytool.archive.azure;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The FID index of an Azure archive: every blob written for a file carries the blob index tag {@value #TAG} = its FID
 * (as in its {@code azlhsm_fid} metadata, without the brackets, which a tag value may not hold). The tag rides on the
 * write itself ({@code x-ms-tags} on Put Blob and Put Block List: no extra request), goes with the blob when it is
 * deleted, and is replaced when another file's archive overwrites the name; Find Blobs by Tags then names every blob
 * written for a FID, which is all a REMOVE has once the file is gone (remove_archive_on_last_unlink).
 *
 * <p>Accounts that refuse tags (blob index tags are not available with a hierarchical namespace; a SAS needs the
 * {@code t} permission to set them): a tagged write refused as a permission or invalid request is repeated once
 * without tags; when that succeeds the account does not take tags, and this backend stops sending them and says so
 * once. Blobs written untagged (there, or by an older version) are not found by FID.
 */
final class FidTags {
    /** What a bare FID may hold; compiled once (String.matches compiles its pattern on every call: each Put Blob). */
    private static final Pattern BARE_FID = Pattern.compile("[0-9a-fA-Fx:]{1,64}");
    static final String TAG = BlobMetadataCodec.FID;
    private static final System.Logger LOG = System.getLogger(FidTags.class.getName());

    private volatile boolean enabled = true;

    /** The tags for a write with this metadata; null when there is no FID or the account takes no tags. */
    Map<String, String> tagsFor(Map<String, String> metadata) {
        if (!enabled) {
            return null;
        }
        String fid = metadata.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(BlobMetadataCodec.FID))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (fid == null || value(fid, false).isEmpty()) {
            return null; // no FID, or not one a tag can hold (never written so by this agent)
        }
        return Map.of(TAG, value(fid));
    }

    /** The Find Blobs by Tags expression for the blobs written for {@code fid} (bracketed or not). */
    static String query(String fid) {
        return "\"" + TAG + "\" = '" + value(fid) + "'";
    }

    /** The tag value of a FID: "[0x200000401:0x1:0x0]" is kept as 0x200000401:0x1:0x0 (hex digits, x and colons). */
    static String value(String fid) {
        return value(fid, true);
    }

    /** The bare FID; when it is not one: IllegalArgumentException if {@code strict}, else "". */
    private static String value(String fid, boolean strict) {
        String bare = fid.startsWith("[") && fid.endsWith("]") ? fid.substring(1, fid.length() - 1) : fid;
        if (!BARE_FID.matcher(bare).matches()) {
            if (strict) {
                throw new IllegalArgumentException("not a FID: " + fid);
            }
            return "";
        }
        return bare;
    }

    /** A tagged write failed this way: repeat it untagged, to learn whether the tags were the problem. */
    boolean worthRetryingUntagged(ArchiveException e) {
        return enabled && (e.kind() == Kind.PERMISSION || e.kind() == Kind.INVALID);
    }

    /** The untagged repeat succeeded: this account takes no tags. */
    void disable(String name, ArchiveException refusal) {
        if (enabled) {
            enabled = false;
            LOG.log(System.Logger.Level.WARNING, "blob index tags are refused ({0} on {1}; a hierarchical namespace"
                    + " account has none, a SAS needs the t permission): blobs are written without the "
                    + TAG + " tag from now on, and a REMOVE of a file that is gone cannot find its blob",
                    refusal.getMessage(), name);
        }
    }

    boolean enabled() {
        return enabled;
    }
}

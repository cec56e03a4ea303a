package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.util.Map;

/** What a blob's metadata says it is: a directory marker, a symlink blob, written by us or by another tool. */
final class BlobKinds {
    private BlobKinds() {
    }

    /** {@code hdi_isfolder=true}: a directory marker (AMLFS's convention). */
    static boolean isMarker(StoredObject blob) {
        return "true".equalsIgnoreCase(value(blob.metadata(), BlobMetadataCodec.IS_FOLDER));
    }

    /** {@code ftype=LNK} (or the older {@code symlink=} form): a symlink's blob. */
    static boolean isSymlink(StoredObject blob) {
        return BlobMetadataCodec.SYMLINK_FILE_TYPE.equalsIgnoreCase(value(blob.metadata(),
                BlobMetadataCodec.FILE_TYPE)) || value(blob.metadata(), BlobMetadataCodec.SYMLINK_TARGET) != null;
    }

    /** Written by azlhsm: it carries our {@code azlhsm_version} key (every blob we write does). */
    static boolean writtenByUs(StoredObject blob) {
        return value(blob.metadata(), BlobMetadataCodec.VERSION) != null;
    }

    /** The {@code azlhsm_fid} metadata, or null. */
    static String fid(StoredObject blob) {
        return fid(blob.metadata());
    }

    /** The {@code azlhsm_fid} in these metadata (a preserved version's), or null. */
    static String fid(Map<String, String> metadata) {
        return value(metadata, BlobMetadataCodec.FID);
    }

    private static String value(Map<String, String> metadata, String key) {
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(key)) {
                return entry.getValue();
            }
        }
        return null;
    }
}

package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.FileType;
import java.util.Map;

/** What a blob's metadata says it is: a directory marker, a symlink blob, written by us or by another tool. */
final class BlobKinds {
    private BlobKinds() {
    }

    /**
     * A directory marker: {@code hdi_isfolder=true} (AMLFS's and azcopy's convention) or azcopy's directory
     * {@code st_mode}, as an import reads it ({@link BlobMetadataCodec#typeOf}).
     */
    static boolean isMarker(StoredObject blob) {
        return BlobMetadataCodec.typeOf(blob.metadata()) == FileType.DIRECTORY;
    }

    /**
     * A symlink's blob: AMLFS's {@code ftype=LNK} (or the older {@code symlink=} form), azcopy's {@code is_symlink=true}
     * or its symlink {@code st_mode}, as an import reads it ({@link BlobMetadataCodec#typeOf}).
     */
    static boolean isSymlink(StoredObject blob) {
        return BlobMetadataCodec.typeOf(blob.metadata()) == FileType.SYMLINK;
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

package io.azlhsm.copytool.archive.metadata;

import java.util.Map;

/**
 * Which tool's conventions a blob's metadata follows, told apart by its keys. Every style is read; the style decides
 * only how an ambiguous value is read ({@code permissions} is octal permission bits in AMLFS's style, the whole decimal
 * {@code st_mode} in azcopy's standard one) and how the import names the source in its log.
 */
public enum MetadataStyle {
    /** Ours: {@code azlhsm_version} (beside AMLFS's keys, which we write too). */
    AZLHSM("azlhsm"),
    /** azcopy {@code --preserve-posix-properties} (default style): {@code posix_owner}, {@code posix_group}. */
    AZCOPY_STANDARD("azcopy standard"),
    /** azcopy {@code --posix-properties-style amlfs}: AMLFS's keys plus azcopy's own ({@code posix_atime}, ...). */
    AZCOPY_AMLFS("azcopy amlfs"),
    /** AMLFS, its hydrator and copytool, and the older variants ({@code uid}, {@code perm}, {@code symlink}). */
    AMLFS("AMLFS"),
    /** No POSIX metadata at all (a plain upload): every attribute takes AMLFS's default. */
    NONE("no POSIX metadata");

    private final String label;

    MetadataStyle(String label) {
        this.label = label;
    }

    /** How the import's log names it. */
    public String label() {
        return label;
    }

    /** @param byName the blob's metadata, looked up ignoring case */
    static MetadataStyle of(Map<String, String> byName) {
        if (byName.containsKey(BlobMetadataCodec.VERSION)) {
            return AZLHSM;
        }
        if (byName.containsKey(AzcopyKeys.OWNER) || byName.containsKey(AzcopyKeys.GROUP)) {
            return AZCOPY_STANDARD;
        }
        for (String key : AzcopyKeys.AZCOPY_ONLY) {
            if (byName.containsKey(key)) {
                return AZCOPY_AMLFS;
            }
        }
        for (String key : BlobMetadataCodec.AMLFS_KEYS) {
            if (byName.containsKey(key)) {
                return AMLFS;
            }
        }
        return NONE;
    }
}

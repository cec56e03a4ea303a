package io.azlhsm.copytool.archive;

import java.util.HexFormat;
import java.util.Map;

/**
 * What is written alongside an object's data.
 *
 * @param contentMd5 the MD5 of the whole object (16 bytes), stored as its Content-MD5; null to store none
 * @param metadata   user metadata; names are C# identifiers, values printable ASCII, all together at most 8 KiB
 *                   (see {@link io.azlhsm.copytool.archive.metadata.MetadataLimits})
 * @param fileData   the object holds a file's data, so it is written to the archive's access tier
 *                   ({@link TierSettings#accessTier}); everything else (directory markers, symlinks, logs) stays in
 *                   the account's default tier
 * @param posixAcl   the file's or directory's POSIX ACL as a Data Lake x-ms-acl
 *                   ({@link io.azlhsm.copytool.archive.metadata.PosixAcl#toHns}) when it has more than its mode
 *                   says, else null; only a backend that {@linkplain ArchiveBackend#carriesPosixAcls carries ACLs}
 *                   is given one and writes it
 */
public record ObjectAttributes(byte[] contentMd5, Map<String, String> metadata, boolean fileData, String posixAcl) {
    public ObjectAttributes(byte[] contentMd5, Map<String, String> metadata, boolean fileData) {
        this(contentMd5, metadata, fileData, null);
    }

    /** Attributes of an object that is not a file's data: it gets the account's default tier. */
    public ObjectAttributes(byte[] contentMd5, Map<String, String> metadata) {
        this(contentMd5, metadata, false);
    }

    /** Attributes of a file's data: written to the archive's access tier. */
    public static ObjectAttributes fileData(byte[] contentMd5, Map<String, String> metadata) {
        return new ObjectAttributes(contentMd5, metadata, true);
    }

    public ObjectAttributes {
        if (contentMd5 != null && contentMd5.length != 16) {
            throw new IllegalArgumentException("an MD5 has 16 bytes, not " + contentMd5.length);
        }
        contentMd5 = contentMd5 == null ? null : contentMd5.clone();
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** The same attributes with this ACL (null for none). */
    public ObjectAttributes withPosixAcl(String acl) {
        return new ObjectAttributes(contentMd5, metadata, fileData, acl);
    }

    /** No checksum, no metadata. */
    public static ObjectAttributes none() {
        return new ObjectAttributes(null, Map.of());
    }

    @Override
    public byte[] contentMd5() {
        return contentMd5 == null ? null : contentMd5.clone();
    }

    @Override
    public String toString() {
        return "ObjectAttributes[contentMd5=" + (contentMd5 == null ? "none" : HexFormat.of().formatHex(contentMd5))
                + ", metadata=" + metadata + (fileData ? ", file data" : "") + (posixAcl == null ? "" : ", acl=" + posixAcl)
                + "]";
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.util.HexFormat;
import java.util.Map;

/**
 * The whole-file checksum a restore must reproduce, and where it was found: the archive record, or the object itself
 * (Content-MD5, then our metadata keys) for a blob archived or imported without a record.
 */
public record ExpectedChecksum(ChecksumAlgorithm algorithm, byte[] value) {
    /** From an archive record: its MD5, else its CRC32C; null when it holds neither. */
    public static ExpectedChecksum of(ArchiveRecord record) {
        if (record.md5() != null) {
            return new ExpectedChecksum(ChecksumAlgorithm.MD5, record.md5());
        }
        if (record.crc32c() != null) {
            return new ExpectedChecksum(ChecksumAlgorithm.CRC32C, record.crc32c());
        }
        return null;
    }

    /** From the object: Content-MD5, else the azlhsm_md5 or azlhsm_crc32c metadata; null when it has none. */
    public static ExpectedChecksum of(StoredObject stored) {
        if (stored.contentMd5() != null) {
            return new ExpectedChecksum(ChecksumAlgorithm.MD5, stored.contentMd5());
        }
        byte[] md5 = hexValue(stored.metadata(), BlobMetadataCodec.MD5, ChecksumAlgorithm.MD5);
        if (md5 != null) {
            return new ExpectedChecksum(ChecksumAlgorithm.MD5, md5);
        }
        byte[] crc32c = hexValue(stored.metadata(), BlobMetadataCodec.CRC32C, ChecksumAlgorithm.CRC32C);
        return crc32c == null ? null : new ExpectedChecksum(ChecksumAlgorithm.CRC32C, crc32c);
    }

    /** The value if it is an MD5, else null. */
    public byte[] md5() {
        return algorithm == ChecksumAlgorithm.MD5 ? value.clone() : null;
    }

    /** The value if it is a CRC32C, else null. */
    public byte[] crc32c() {
        return algorithm == ChecksumAlgorithm.CRC32C ? value.clone() : null;
    }

    /** A metadata value (name in any case) as a checksum of the algorithm's length; null if absent or malformed. */
    private static byte[] hexValue(Map<String, String> metadata, String name, ChecksumAlgorithm algorithm) {
        String hex = metadata.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        try {
            byte[] value = hex == null ? null : HexFormat.of().parseHex(hex);
            return value != null && value.length == algorithm.length() ? value : null;
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }
}

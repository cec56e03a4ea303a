package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.FileLayout;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the copytool remembers on a Lustre file about its archived copy, kept in one root-only extended attribute,
 * {@value #XATTR_NAME}, so restore finds the exact blob after a rename and can verify it.
 *
 * <p>One attribute rather than several so that it is written atomically: a crash can leave the previous record or
 * the new one, never a mix. Format: {@code key=value} lines (blob names cannot contain control characters, see the
 * backends' name validation), for example:
 * <pre>
 * version=1
 * archive_id=1
 * blob=projects/run42/output.h5
 * etag="0x8DCF1B2A3C4D5E6"
 * md5=9e107d9d372bb6826bd81d3542a419d6
 * data_version=17
 * </pre>
 * An archive that keeps CRC32C instead of MD5 (posix) writes {@code crc32c=<8 hex digits>} and an empty {@code md5}.
 * A file whose layout was read at archive also has {@code lov=<hex of its lustre.lov value>}: restore gives the file
 * that striping back. Both keys are optional: a reader that does not know one ignores it.
 *
 * @param archiveId   the archive the blob lives in
 * @param blob        full object name in that archive
 * @param etag        the object's ETag right after the copytool committed it
 * @param md5         MD5 of the whole file content (16 bytes); null for a blob imported without one (a foreign blob
 *                    with neither Content-MD5 nor azlhsm_md5): restore then checks size and ETag
 * @param dataVersion the file's Lustre data version the copy was taken at
 * @param crc32c      CRC32C of the whole file content (4 bytes, big-endian) where the archive keeps that instead of an
 *                    MD5; null otherwise
 * @param layout      the file's layout when it was archived ({@link FileLayout#saved}), or null when it was not read
 *                    (an imported blob without one, a record written by an older version)
 */
public record ArchiveRecord(int archiveId, String blob, String etag, byte[] md5, long dataVersion, byte[] crc32c,
                            FileLayout layout) {
    /**
     * Extended attribute holding the record. In the trusted namespace: only root can write (or read) it, so a file's
     * owner cannot point it at another file's blob, and a Lustre client allows it on a default mount (user.* needs
     * {@code -o user_xattr}). A {@code user.azlhsm.archive} left by an older version is never read: anyone who could
     * write the file could have written it.
     */
    public static final String XATTR_NAME = "trusted.azlhsm.archive";
    private static final String VERSION = "1";

    public ArchiveRecord {
        if (blob == null || blob.isEmpty() || blob.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("blob name must be non-empty without control characters");
        }
        if (md5 != null && md5.length != 16) {
            throw new IllegalArgumentException("md5 must have 16 bytes");
        }
        if (crc32c != null && crc32c.length != 4) {
            throw new IllegalArgumentException("crc32c must have 4 bytes");
        }
        md5 = md5 == null ? null : md5.clone();
        crc32c = crc32c == null ? null : crc32c.clone();
    }

    /** A record with an MD5 (or no checksum at all). */
    public ArchiveRecord(int archiveId, String blob, String etag, byte[] md5, long dataVersion) {
        this(archiveId, blob, etag, md5, dataVersion, null, null);
    }

    /** A record without a layout. */
    public ArchiveRecord(int archiveId, String blob, String etag, byte[] md5, long dataVersion, byte[] crc32c) {
        this(archiveId, blob, etag, md5, dataVersion, crc32c, null);
    }

    @Override
    public byte[] md5() {
        return md5 == null ? null : md5.clone();
    }

    @Override
    public byte[] crc32c() {
        return crc32c == null ? null : crc32c.clone();
    }

    public String encode() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("version", VERSION);
        fields.put("archive_id", Integer.toString(archiveId));
        fields.put("blob", blob);
        fields.put("etag", etag == null ? "" : etag);
        fields.put("md5", md5 == null ? "" : HexFormat.of().formatHex(md5));
        fields.put("data_version", Long.toUnsignedString(dataVersion));
        if (crc32c != null) {
            fields.put("crc32c", HexFormat.of().formatHex(crc32c));
        }
        if (layout != null) {
            fields.put("lov", layout.hex());
        }
        StringBuilder text = new StringBuilder();
        fields.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    /**
     * Parses a record written by {@link #encode()}.
     *
     * @return empty for a record of an unknown future version or a damaged one: the caller falls back to the other
     *         ways of finding the blob rather than trusting half a record
     */
    public static Optional<ArchiveRecord> decode(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        if (!VERSION.equals(fields.get("version"))) {
            return Optional.empty();
        }
        try {
            String etag = fields.get("etag");
            return Optional.of(new ArchiveRecord(Integer.parseInt(fields.get("archive_id")), fields.get("blob"),
                    etag == null || etag.isEmpty() ? null : etag,
                    fields.get("md5").isEmpty() ? null : HexFormat.of().parseHex(fields.get("md5")),
                    Long.parseUnsignedLong(fields.get("data_version")),
                    fields.containsKey("crc32c") ? HexFormat.of().parseHex(fields.get("crc32c")) : null,
                    fields.containsKey("lov") ? FileLayout.fromHex(fields.get("lov")) : null));
        } catch (RuntimeException damaged) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "archive " + archiveId + " blob " + blob + " etag " + etag + " dv " + Long.toUnsignedString(dataVersion);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ArchiveRecord that && archiveId == that.archiveId && blob.equals(that.blob)
                && java.util.Objects.equals(etag, that.etag) && java.util.Arrays.equals(md5, that.md5)
                && dataVersion == that.dataVersion && java.util.Arrays.equals(crc32c, that.crc32c)
                && java.util.Objects.equals(layout, that.layout);
    }

    @Override
    public int hashCode() {
        return blob.hashCode() * 31 + Long.hashCode(dataVersion);
    }
}

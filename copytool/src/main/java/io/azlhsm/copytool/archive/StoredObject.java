package io.azlhsm.copytool.archive;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * An object as the archive holds it.
 *
 * @param name         the full object name (archive prefix included)
 * @param size         length in bytes
 * @param etag         a strong identity that changes whenever the object is replaced; pass it back to read and delete
 * @param contentMd5   the stored whole-object MD5 (16 bytes), or null when the object has none
 * @param metadata     user metadata exactly as stored (names as the archive returns them)
 * @param lastModified when the object was last written
 * @param tier         its access tier and any rehydration under way ({@link ObjectTier#NONE} where not known)
 */
public record StoredObject(String name, long size, String etag, byte[] contentMd5, Map<String, String> metadata,
                           Instant lastModified, ObjectTier tier) {
    public StoredObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(etag, "etag");
        contentMd5 = contentMd5 == null ? null : contentMd5.clone();
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        tier = tier == null ? ObjectTier.NONE : tier;
    }

    /** An object whose tier is not known (an archive without tiers, or a write's answer). */
    public StoredObject(String name, long size, String etag, byte[] contentMd5, Map<String, String> metadata,
                        Instant lastModified) {
        this(name, size, etag, contentMd5, metadata, lastModified, ObjectTier.NONE);
    }

    @Override
    public byte[] contentMd5() {
        return contentMd5 == null ? null : contentMd5.clone();
    }

    @Override
    public String toString() {
        return "StoredObject[name=" + name + ", size=" + size + ", etag=" + etag + ", contentMd5="
                + (contentMd5 == null ? "none" : HexFormat.of().formatHex(contentMd5)) + ", metadata=" + metadata
                + ", lastModified=" + lastModified + ", tier=" + tier.display() + "]";
    }
}

package io.azlhsm.copytool.archive;

/**
 * Where an object sits among the archive's access tiers, as the service reported it.
 *
 * @param accessTier        {@code x-ms-access-tier} (Hot, Cool, Cold, Archive...), or null where the archive has no
 *                          tiers (posix) or did not say
 * @param archiveStatus     {@code x-ms-archive-status} while a rehydration is under way (for example
 *                          {@code rehydrate-pending-to-hot}), else null
 * @param rehydratePriority {@code x-ms-rehydrate-priority} (Standard, High) while a rehydration is under way, else null
 */
public record ObjectTier(String accessTier, String archiveStatus, String rehydratePriority) {
    /** Nothing known: an archive without tiers. */
    public static final ObjectTier NONE = new ObjectTier(null, null, null);

    /** In the Archive tier: offline, readable only after a rehydration. */
    public boolean offline() {
        return StorageTier.parse(accessTier).map(tier -> !tier.online()).orElse(false);
    }

    /** A rehydration to an online tier was requested and has not finished. */
    public boolean rehydrating() {
        return archiveStatus != null && archiveStatus.startsWith("rehydrate-pending-to-");
    }

    /** For listings: "Hot", "Archive (rehydrate-pending-to-hot, High)", "-" when unknown. */
    public String display() {
        if (accessTier == null) {
            return "-";
        }
        if (!rehydrating()) {
            return accessTier;
        }
        return accessTier + " (" + archiveStatus + (rehydratePriority == null ? "" : ", " + rehydratePriority) + ")";
    }
}

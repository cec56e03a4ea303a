package io.azlhsm.copytool.archive;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an archive uses access tiers ({@code archive.N.access_tier}, {@code rehydrate_*}).
 *
 * @param accessTier        the tier file data is written to, with the upload itself; empty to send none (the
 *                          account's default tier). Directory markers and other small objects always get the default
 * @param rehydrateTier     the online tier an Archive-tier blob is rehydrated to before a restore reads it
 * @param highPriority      rehydrate with {@code x-ms-rehydrate-priority: High} (faster, dearer) instead of Standard
 * @param rehydratePoll     the first wait between two looks at a rehydrating blob; it doubles up to 16 times this
 */
public record TierSettings(Optional<StorageTier> accessTier, StorageTier rehydrateTier, boolean highPriority,
                           Duration rehydratePoll) {
    public static final Duration DEFAULT_REHYDRATE_POLL = Duration.ofMinutes(1);
    public static final TierSettings DEFAULT =
            new TierSettings(Optional.empty(), StorageTier.HOT, false, DEFAULT_REHYDRATE_POLL);

    public TierSettings {
        Objects.requireNonNull(accessTier, "accessTier");
        Objects.requireNonNull(rehydrateTier, "rehydrateTier");
        Objects.requireNonNull(rehydratePoll, "rehydratePoll");
        if (!rehydrateTier.online()) {
            throw new IllegalArgumentException("a blob is rehydrated to an online tier, not " + rehydrateTier);
        }
        if (rehydratePoll.isNegative() || rehydratePoll.isZero()) {
            throw new IllegalArgumentException("rehydratePoll must be positive: " + rehydratePoll);
        }
    }

    /** "standard" or "high", as the configuration spells it. */
    public String priorityName() {
        return highPriority ? "high" : "standard";
    }
}

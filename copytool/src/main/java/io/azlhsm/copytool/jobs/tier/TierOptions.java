package io.azlhsm.copytool.jobs.tier;

import io.azlhsm.copytool.archive.StorageTier;
import java.time.Duration;
import java.util.Objects;

/**
 * @param path           whose files' blobs to move, relative to the mount or absolute under it
 * @param to             the tier to move them to: Cool, Cold or Archive (never Hot: the job only cools)
 * @param notAccessedFor only files whose last access is at least this long ago; zero for any
 * @param minSize        only files of at least this many bytes; 0 for any
 */
public record TierOptions(String path, StorageTier to, Duration notAccessedFor, long minSize) {
    public TierOptions {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(to, "to");
        if (to == StorageTier.HOT) {
            throw new IllegalArgumentException("--to must be cool, cold or archive: the tier job moves blobs to a"
                    + " cheaper tier (a restore brings an Archive-tier blob back by itself)");
        }
        if (notAccessedFor.isNegative()) {
            throw new IllegalArgumentException("not-accessed-for must not be negative: " + notAccessedFor);
        }
        if (minSize < 0) {
            throw new IllegalArgumentException("min-size must not be negative: " + minSize);
        }
    }
}

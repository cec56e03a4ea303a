package io.azlhsm.copytool.jobs.autoexport;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * @param path             the one tree auto-exported, relative to the mount or absolute under it
 * @param archiveId        0: the only configured archive
 * @param maxOutstanding   ARCHIVE requests of the job at the coordinator at most
 * @param interval         pause between iterations
 * @param fullScanInterval how often an iteration walks the whole tree instead of reading the changelog (the safety
 *                         net for anything the changelog did not say); the first iteration always does
 * @param changelogUsers   the changelog user of every MDT, registered by an administrator on the MDS; the job only
 *                         reads and clears for them, never registers or deregisters one
 * @param propagate        the changes carried to the archive besides data ({@link Propagation}); empty: none, as AMLFS
 */
public record AutoExportOptions(String path, int archiveId, int maxOutstanding, Duration interval,
                                Duration fullScanInterval, ChangelogUsers changelogUsers, Set<Propagation> propagate) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FULL_SCAN_INTERVAL = Duration.ofHours(24);

    public AutoExportOptions {
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("max outstanding requests must be 1 or more, not " + maxOutstanding);
        }
        if (interval.isNegative() || fullScanInterval.isNegative() || fullScanInterval.isZero()) {
            throw new IllegalArgumentException("intervals must be positive");
        }
        if (changelogUsers == null) {
            throw new IllegalArgumentException("changelog users are required");
        }
        propagate = propagate == null || propagate.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(propagate));
    }

    /** Options that propagate nothing but new and changed data (AMLFS's auto-export). */
    public AutoExportOptions(String path, int archiveId, int maxOutstanding, Duration interval,
                             Duration fullScanInterval, ChangelogUsers changelogUsers) {
        this(path, archiveId, maxOutstanding, interval, fullScanInterval, changelogUsers, Set.of());
    }
}

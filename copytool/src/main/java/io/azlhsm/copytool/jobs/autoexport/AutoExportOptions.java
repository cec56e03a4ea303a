package io.azlhsm.copytool.jobs.autoexport;

import java.time.Duration;

/**
 * @param path             the one tree auto-exported, relative to the mount or absolute under it
 * @param archiveId        0: the only configured archive
 * @param maxOutstanding   ARCHIVE requests of the job at the coordinator at most
 * @param interval         pause between iterations
 * @param fullScanInterval how often an iteration walks the whole tree instead of reading the changelog (the safety
 *                         net for anything the changelog did not say); the first iteration always does
 * @param lctl             the lctl command that registers changelog users
 * @param mdt              the MDT device ({@code fsname-MDT0000}); null to find it from the mount
 * @param changelogUser    an existing changelog user to consume (never deregistered); null to register one
 * @param keepUser         leave the registered changelog user behind when the job stops
 */
public record AutoExportOptions(String path, int archiveId, int maxOutstanding, Duration interval,
                                Duration fullScanInterval, String lctl, String mdt, String changelogUser,
                                boolean keepUser) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FULL_SCAN_INTERVAL = Duration.ofHours(24);

    public AutoExportOptions {
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("max outstanding requests must be 1 or more, not " + maxOutstanding);
        }
        if (interval.isNegative() || fullScanInterval.isNegative() || fullScanInterval.isZero()) {
            throw new IllegalArgumentException("intervals must be positive");
        }
    }
}

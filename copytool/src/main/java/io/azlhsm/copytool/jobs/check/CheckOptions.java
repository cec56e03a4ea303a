package io.azlhsm.copytool.jobs.check;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param path            tree to check, relative to the mount or absolute under it ("/" for everything)
 * @param archiveId       the archive whose blobs are listed; 0 for the only configured one
 * @param report          where the JSON report goes (the CSV beside it, same name ending {@code .csv}); null for
 *                        {@code <mount>/.azlhsm/logs/<job id>.report.json}
 * @param repair          re-archive blob-missing and blob-replaced files (and mismatched resident ones), mark lost
 *                        files (and mismatched released ones) HS_LOST, import stale stubs again
 * @param maxOutstanding  at most this many repair ARCHIVE requests waiting or running at the coordinator
 * @param deep            read every recorded blob back and compare its checksum with the record's
 * @param collectOrphans  delete orphan blobs last modified at least this long ago, and preserved copies no live file
 *                        records preserved at least this long ago; null to delete nothing
 */
public record CheckOptions(String path, int archiveId, Path report, boolean repair, int maxOutstanding, boolean deep,
                           Duration collectOrphans) {
    public static final int DEFAULT_MAX_OUTSTANDING = 100;

    public CheckOptions {
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("max-outstanding must be 1 or more: " + maxOutstanding);
        }
        if (collectOrphans != null && collectOrphans.isNegative()) {
            throw new IllegalArgumentException("collect-orphans must not be negative: " + collectOrphans);
        }
    }

    /** Checking only, with the defaults. */
    public static CheckOptions of(String path, Path report) {
        return new CheckOptions(path, 0, report, false, DEFAULT_MAX_OUTSTANDING, false, null);
    }

    public CheckOptions withRepair(boolean value) {
        return new CheckOptions(path, archiveId, report, value, maxOutstanding, deep, collectOrphans);
    }

    public CheckOptions withDeep(boolean value) {
        return new CheckOptions(path, archiveId, report, repair, maxOutstanding, value, collectOrphans);
    }

    public CheckOptions withCollectOrphans(Duration age) {
        return new CheckOptions(path, archiveId, report, repair, maxOutstanding, deep, age);
    }
}

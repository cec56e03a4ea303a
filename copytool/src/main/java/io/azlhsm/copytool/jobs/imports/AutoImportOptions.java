package io.azlhsm.copytool.jobs.imports;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An auto-import's options, validated.
 *
 * @param archiveId        archive whose container is kept imported
 * @param prefixes         normalized by {@link ImportPrefixes} ("" = everything)
 * @param conflict         what to do with a path that exists, as {@code copytool import} decides it; a changed blob
 *                         whose stub is still released is a stale stub there
 * @param target           directory relative to the mount ("" = the mount root)
 * @param deletions        whether a blob deleted from the container removes its stub (only a released stub that still
 *                         records that blob)
 * @param interval         pause between passes
 * @param fullScanInterval how often a pass looks at every blob's entry, not only at blobs whose ETag changed
 * @param threads          entries imported in parallel
 * @param pageSize         blobs per listing request
 */
public record AutoImportOptions(int archiveId, List<String> prefixes, ConflictMode conflict, String target,
                                boolean deletions, Duration interval, Duration fullScanInterval, int threads,
                                int pageSize) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FULL_SCAN_INTERVAL = Duration.ofHours(1);
    /**
     * skip, not import's fail: a long-running job that stopped at the first file a user changed would need a restart
     * per conflict; skip logs and counts each one.
     */
    public static final ConflictMode DEFAULT_CONFLICT = ConflictMode.SKIP;

    public AutoImportOptions {
        prefixes = List.copyOf(prefixes);
        if (interval.isNegative() || fullScanInterval.isNegative() || fullScanInterval.isZero()) {
            throw new IllegalArgumentException("--interval must not be negative and --full-scan-interval must be"
                    + " positive");
        }
        importOptions(archiveId, prefixes, conflict, target, threads, pageSize); // its checks: threads, target, ...
    }

    /** The import each pass runs for the blobs it decides to look at; errors never stop it (they are retried). */
    ImportOptions importOptions() {
        return importOptions(archiveId, prefixes, conflict, target, threads, pageSize);
    }

    private static ImportOptions importOptions(int archiveId, List<String> prefixes, ConflictMode conflict,
                                               String target, int threads, int pageSize) {
        return new ImportOptions(archiveId, prefixes, conflict, -1, target, threads, pageSize);
    }

    /** For the job record and log; equal parameters identify a crashed job to resume. */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>(importOptions().parameters());
        parameters.remove("max_errors");
        parameters.put("deletions", Boolean.toString(deletions));
        parameters.put("interval", interval.toString());
        parameters.put("full_scan_interval", fullScanInterval.toString());
        return parameters;
    }
}

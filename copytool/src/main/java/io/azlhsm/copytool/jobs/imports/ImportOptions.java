package io.azlhsm.copytool.jobs.imports;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An import's options, validated.
 *
 * @param archiveId archive whose container is imported (its {@code archive.<id>.prefix} is the container's root)
 * @param prefixes  normalized by {@link ImportPrefixes} ("" = everything)
 * @param conflict  what to do with paths that exist
 * @param maxErrors errors tolerated: 0 stops at the first, -1 never stops
 * @param target    directory relative to the mount the container's tree lands in ("" = the mount root)
 * @param threads   stubs created in parallel
 * @param pageSize  blobs per listing request (Azure returns at most 5,000); also the unit of resume
 */
public record ImportOptions(int archiveId, List<String> prefixes, ConflictMode conflict, long maxErrors,
                            String target, int threads, int pageSize) {
    public static final int DEFAULT_THREADS = 8;
    public static final int DEFAULT_PAGE_SIZE = 1000;

    public ImportOptions(int archiveId, List<String> prefixes, ConflictMode conflict, long maxErrors, String target,
                         int threads) {
        this(archiveId, prefixes, conflict, maxErrors, target, threads, DEFAULT_PAGE_SIZE);
    }

    public ImportOptions {
        prefixes = List.copyOf(prefixes);
        if (maxErrors < -1) {
            throw new IllegalArgumentException("--max-errors must be -1 (unlimited), 0 or a positive count");
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be within 1..256");
        }
        if (pageSize < 1 || pageSize > 5000) {
            throw new IllegalArgumentException("--page-size must be within 1..5000");
        }
        String problem = target.isEmpty() ? null : BlobPaths.problem(target, false, 0);
        if (problem != null) {
            throw new IllegalArgumentException("--target '" + target + "': " + problem);
        }
    }

    /** For the job record and log; equal parameters identify a crashed import to resume. */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("archive", Integer.toString(archiveId));
        parameters.put("prefixes", String.join(",", prefixes.stream().map(p -> "/" + p).toList()));
        parameters.put("conflict", conflict.optionName());
        parameters.put("max_errors", Long.toString(maxErrors));
        parameters.put("target", "/" + target);
        return parameters;
    }
}

package io.azlhsm.copytool.jobs.prefetch;

import java.nio.file.Path;
import java.util.List;

/**
 * @param paths          trees or files to restore, relative to the mount or absolute under it
 * @param fileList       a file naming more paths, one per line (blank lines and # comments ignored); may be null
 * @param maxOutstanding at most this many RESTORE requests of the job waiting or running at the coordinator
 * @param rehydrateOnly  restore nothing: only ask for the rehydration of released files' Archive-tier blobs, without
 *                       waiting for it, and count the blobs by tier
 */
public record PrefetchOptions(List<String> paths, Path fileList, int maxOutstanding, boolean rehydrateOnly) {
    public PrefetchOptions(List<String> paths, Path fileList, int maxOutstanding) {
        this(paths, fileList, maxOutstanding, false);
    }

    /** AMLFS advises batches of 1,000 to 5,000 restores so as not to swamp the metadata server. */
    public static final int DEFAULT_MAX_OUTSTANDING = 2000;

    public PrefetchOptions {
        paths = List.copyOf(paths);
        if (paths.isEmpty() && fileList == null) {
            throw new IllegalArgumentException("nothing to prefetch: give a path or a file list");
        }
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("max outstanding requests must be 1 or more, not " + maxOutstanding);
        }
    }
}

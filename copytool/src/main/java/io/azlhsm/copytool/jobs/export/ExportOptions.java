package io.azlhsm.copytool.jobs.export;

/**
 * @param path           what to export, relative to the mount ("/" for everything) or absolute under it
 * @param archiveId      0: the only configured archive
 * @param maxOutstanding at most this many ARCHIVE requests of the job waiting or running at the coordinator
 * @param markers        put hdi_isfolder marker blobs for directories
 */
public record ExportOptions(String path, int archiveId, int maxOutstanding, boolean markers) {
    public static final int DEFAULT_MAX_OUTSTANDING = 1000;

    public ExportOptions {
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("max outstanding requests must be 1 or more, not " + maxOutstanding);
        }
    }
}

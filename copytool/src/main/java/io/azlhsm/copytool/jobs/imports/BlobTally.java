package io.azlhsm.copytool.jobs.imports;

import java.util.HashMap;
import java.util.Map;

/**
 * What importing one blob added to the job's counters. Added to the checkpoint's counts when the blob is done, so a
 * resumed job starts from counts that match exactly the blobs it will not import again.
 */
final class BlobTally {
    private final Map<String, Long> counts = new HashMap<>(4);

    void add(String counter) {
        counts.merge(counter, 1L, Long::sum);
    }

    Map<String, Long> counts() {
        return counts;
    }
}

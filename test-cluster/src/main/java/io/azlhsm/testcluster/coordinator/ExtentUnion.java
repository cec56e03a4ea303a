package io.azlhsm.testcluster.coordinator;

import java.util.Map;
import java.util.TreeMap;

/**
 * The union of the extents a copytool reported in progress calls, as the coordinator merges them
 * (mdt_hsm_cdt_requests.c hsm_update_work): offsets and lengths are unsigned 64-bit, as in struct hsm_extent, so an
 * extent of length 2^64-1 from offset 0 counts 2^64-1 bytes (llapi_hsm_test test109). A length of -1 from another
 * offset reaches the end of the 64-bit range (Lustre refuses that extent as wrapping; the simulator takes it).
 */
final class ExtentUnion {
    private static final long END_OF_RANGE = -1L; // 2^64 - 1, unsigned
    private final TreeMap<Long, Long> starts = new TreeMap<>(Long::compareUnsigned); // offset -> end (exclusive)

    void add(long offset, long length) {
        long end = offset + length;
        if (length == -1 || Long.compareUnsigned(end, offset) < 0) {
            end = END_OF_RANGE;
        }
        long start = offset;
        Map.Entry<Long, Long> before = starts.floorEntry(start);
        if (before != null && Long.compareUnsigned(before.getValue(), start) >= 0) {
            start = before.getKey();
            end = max(end, before.getValue());
        }
        Map.Entry<Long, Long> next = starts.ceilingEntry(start);
        while (next != null && Long.compareUnsigned(next.getKey(), end) <= 0) {
            end = max(end, next.getValue());
            starts.remove(next.getKey());
            next = starts.ceilingEntry(start);
        }
        starts.put(start, end);
    }

    private static long max(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** Bytes covered, an unsigned 64-bit count. */
    long total() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : starts.entrySet()) {
            sum += e.getValue() - e.getKey();
        }
        return sum;
    }
}

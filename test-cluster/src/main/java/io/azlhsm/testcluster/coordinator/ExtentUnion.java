package io.azlhsm.testcluster.coordinator;

import java.util.Map;
import java.util.TreeMap;

/** The union of the extents a copytool reported in progress calls, as the coordinator merges them. */
final class ExtentUnion {
    private final TreeMap<Long, Long> starts = new TreeMap<>(); // offset -> end (exclusive)

    void add(long offset, long length) {
        long end = length == -1 || offset + length < offset ? Long.MAX_VALUE : offset + length;
        long start = offset;
        Map.Entry<Long, Long> before = starts.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Map.Entry<Long, Long> next = starts.ceilingEntry(start);
        while (next != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            starts.remove(next.getKey());
            next = starts.ceilingEntry(start);
        }
        starts.put(start, end);
    }

    /** Bytes covered. */
    long total() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : starts.entrySet()) {
            sum += e.getValue() - e.getKey();
        }
        return sum;
    }
}

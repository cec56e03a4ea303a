package io.azlhsm.copytool.jobs.release;

import java.time.Duration;

/**
 * @param path           what to release, relative to the mount or absolute under it
 * @param notAccessedFor release only files whose last access is at least this long ago; zero for any
 * @param minSize        release only files of at least this many bytes; 0 for any
 */
public record ReleaseOptions(String path, Duration notAccessedFor, long minSize) {
    public ReleaseOptions {
        if (notAccessedFor.isNegative()) {
            throw new IllegalArgumentException("not-accessed-for must not be negative: " + notAccessedFor);
        }
        if (minSize < 0) {
            throw new IllegalArgumentException("min-size must not be negative: " + minSize);
        }
    }
}

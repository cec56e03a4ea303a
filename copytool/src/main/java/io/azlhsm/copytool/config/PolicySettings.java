package io.azlhsm.copytool.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The policy engine's rules ({@code copytool policy}; {@code policy.*} keys). The agent ignores them.
 *
 * @param interval how often the engine looks at the file system's usage
 * @param release  the release rule; empty when {@code policy.release.high_watermark} is not set (the other
 *                 {@code policy.release.*} keys then have no effect)
 */
public record PolicySettings(Duration interval, Optional<ReleaseRule> release) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_LOW_WATERMARK = 70;

    /**
     * Release archived clean files, least recently accessed first, when the used space passes the high watermark,
     * until it is down to the low one.
     *
     * @param highWatermark percent of the file system's space used (as {@code lfs df} computes it) from which files
     *                      are released
     * @param lowWatermark  percent to bring it down to
     * @param paths         trees whose files may be released, relative to the mount or absolute under it
     * @param never         trees whose files are never released
     * @param minAge        only files last accessed at least this long ago; zero for any
     * @param minSize       only files of at least this many bytes; 0 for any
     */
    public record ReleaseRule(int highWatermark, int lowWatermark, List<String> paths, List<String> never,
                              Duration minAge, long minSize) {
        public ReleaseRule {
            paths = List.copyOf(paths);
            never = List.copyOf(never);
        }
    }

    public static PolicySettings defaults() {
        return new PolicySettings(DEFAULT_INTERVAL, Optional.empty());
    }

    static PolicySettings parse(ConfigReader config) throws ConfigException {
        Duration interval = config.duration(KeyCatalog.POLICY_INTERVAL, DEFAULT_INTERVAL);
        // every key is checked, also while the rule is off: a mistake shows before the rule is turned on
        int low = percent(config, KeyCatalog.POLICY_RELEASE_LOW, DEFAULT_LOW_WATERMARK);
        List<String> paths = paths(config, KeyCatalog.POLICY_RELEASE_PATHS, List.of("/"));
        List<String> never = paths(config, KeyCatalog.POLICY_RELEASE_NEVER, List.of());
        Duration minAge = config.string(KeyCatalog.POLICY_RELEASE_MIN_AGE).filter(v -> !v.equals("0")).isPresent()
                ? config.duration(KeyCatalog.POLICY_RELEASE_MIN_AGE, Duration.ZERO) : Duration.ZERO;
        long minSize = config.sizeOrZero(KeyCatalog.POLICY_RELEASE_MIN_SIZE);
        Optional<ReleaseRule> release = Optional.empty();
        if (config.has(KeyCatalog.POLICY_RELEASE_HIGH)) {
            int high = percent(config, KeyCatalog.POLICY_RELEASE_HIGH, 0);
            if (low >= high) {
                throw config.invalid(KeyCatalog.POLICY_RELEASE_LOW, "must be below " + KeyCatalog.POLICY_RELEASE_HIGH
                        + " (" + high + "%): releasing stops at the low watermark");
            }
            release = Optional.of(new ReleaseRule(high, low, paths, never, minAge, minSize));
        }
        return new PolicySettings(interval, release);
    }

    /** A whole percentage from 1 to 100, written {@code 85} or {@code 85%}. */
    private static int percent(ConfigReader config, String key, int defaultValue) throws ConfigException {
        Optional<String> value = config.string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String text = value.get().endsWith("%") ? value.get().substring(0, value.get().length() - 1).strip()
                : value.get();
        try {
            int percent = Integer.parseInt(text);
            if (percent >= 1 && percent <= 100) {
                return percent;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw config.invalid(key, "must be a whole percentage of the used space from 1 to 100 (e.g. 85)");
    }

    /** A comma-separated list of paths, each relative to the mount or absolute under it. */
    private static List<String> paths(ConfigReader config, String key, List<String> defaultValue)
            throws ConfigException {
        Optional<String> value = config.string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        List<String> paths = new ArrayList<>();
        for (String part : value.get().split(",")) {
            if (!part.isBlank()) {
                paths.add(part.strip());
            }
        }
        if (paths.isEmpty()) {
            throw config.invalid(key, "names no path (a comma-separated list of paths under the mount)");
        }
        return paths;
    }

    String summary() {
        if (release.isEmpty()) {
            return "";
        }
        ReleaseRule rule = release.get();
        return " policy.interval=" + DurationText.format(interval) + " policy.release.high_watermark="
                + rule.highWatermark() + " policy.release.low_watermark=" + rule.lowWatermark()
                + " policy.release.paths=" + String.join(",", rule.paths()) + " policy.release.never="
                + String.join(",", rule.never()) + " policy.release.min_age=" + DurationText.format(rule.minAge())
                + " policy.release.min_size=" + ByteSize.format(rule.minSize());
    }
}

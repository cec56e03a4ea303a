package io.azlhsm.copytool.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The policy engine's rules ({@code copytool policy}; {@code policy.*} keys). The agent ignores them.
 *
 * @param interval how often the engine applies its rules
 * @param release  the release rule; empty when {@code policy.release.high_watermark} is not set (the other
 *                 {@code policy.release.*} keys then have no effect)
 * @param archive  the archive rule; empty when {@code policy.archive.after} is not set
 */
public record PolicySettings(Duration interval, Optional<ReleaseRule> release, Optional<ArchiveRule> archive) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_LOW_WATERMARK = 70;
    public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofHours(24);

    /** Without an archive rule. */
    public PolicySettings(Duration interval, Optional<ReleaseRule> release) {
        this(interval, release, Optional.empty());
    }

    /**
     * Archive files that are new or dirty once they have been left alone (not written, truncated or changed:
     * mtime and ctime) for {@code after}; the changelog's records say which files to look at, a walk of the paths
     * every {@code scanInterval} (and at the start) is the safety net.
     *
     * @param after          the quiet time
     * @param paths          trees whose files are archived, relative to the mount or absolute under it
     * @param names          glob patterns of file names (e.g. {@code *.h5}); empty for every name
     * @param minSize        only files of at least this many bytes; 0 for any
     * @param maxSize        only files of at most this many bytes; 0 for any
     * @param archiveId      the archive to archive to; 0 for the configuration's only one
     * @param changelogUsers the changelog user of each MDT, as {@code --changelog-user} of auto-export takes them
     * @param scanInterval   how often the paths are walked instead of only reading the changelog
     */
    public record ArchiveRule(Duration after, List<String> paths, List<String> names, long minSize, long maxSize,
                              int archiveId, List<String> changelogUsers, Duration scanInterval) {
        public ArchiveRule {
            paths = List.copyOf(paths);
            names = List.copyOf(names);
            changelogUsers = List.copyOf(changelogUsers);
        }
    }

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
     * @param pools         OST pools watched besides the whole file system, each with its own watermarks
     */
    public record ReleaseRule(int highWatermark, int lowWatermark, List<String> paths, List<String> never,
                              Duration minAge, long minSize, List<PoolWatermarks> pools) {
        public ReleaseRule {
            paths = List.copyOf(paths);
            never = List.copyOf(never);
            pools = List.copyOf(pools);
        }

        /** Watching the whole file system only. */
        public ReleaseRule(int highWatermark, int lowWatermark, List<String> paths, List<String> never,
                           Duration minAge, long minSize) {
            this(highWatermark, lowWatermark, paths, never, minAge, minSize, List.of());
        }
    }

    /**
     * An OST pool whose used space (the sum over its member OSTs, as {@code lfs df --pool} shows it) is held between
     * two watermarks by releasing files whose layout names the pool.
     *
     * @param fsname        the file system's name, as in {@code lctl pool_new FSNAME.POOL}
     * @param pool          the pool's name
     * @param highWatermark percent used from which files are released
     * @param lowWatermark  percent to bring it down to
     */
    public record PoolWatermarks(String fsname, String pool, int highWatermark, int lowWatermark) {
        /** FSNAME.POOL, as llapi_get_poolmembers and lctl name a pool. */
        public String qualified() {
            return fsname + "." + pool;
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
        int high = percent(config, KeyCatalog.POLICY_RELEASE_HIGH, 100);
        List<PoolWatermarks> pools = pools(config, high, low);
        if (config.has(KeyCatalog.POLICY_RELEASE_HIGH)) {
            if (low >= high) {
                throw config.invalid(KeyCatalog.POLICY_RELEASE_LOW, "must be below " + KeyCatalog.POLICY_RELEASE_HIGH
                        + " (" + high + "%): releasing stops at the low watermark");
            }
            release = Optional.of(new ReleaseRule(high, low, paths, never, minAge, minSize, pools));
        }
        return new PolicySettings(interval, release, archiveRule(config));
    }

    private static Optional<ArchiveRule> archiveRule(ConfigReader config) throws ConfigException {
        List<String> paths = paths(config, KeyCatalog.POLICY_ARCHIVE_PATHS, List.of("/"));
        List<String> names = paths(config, KeyCatalog.POLICY_ARCHIVE_NAMES, List.of());
        long minSize = config.sizeOrZero(KeyCatalog.POLICY_ARCHIVE_MIN_SIZE);
        long maxSize = config.sizeOrZero(KeyCatalog.POLICY_ARCHIVE_MAX_SIZE);
        if (maxSize > 0 && maxSize < minSize) {
            throw config.invalid(KeyCatalog.POLICY_ARCHIVE_MAX_SIZE, "must not be below "
                    + KeyCatalog.POLICY_ARCHIVE_MIN_SIZE + " (" + minSize + ")");
        }
        int archiveId = config.string(KeyCatalog.POLICY_ARCHIVE_ID).isPresent()
                ? config.positiveInt(KeyCatalog.POLICY_ARCHIVE_ID, 1) : 0;
        List<String> users = paths(config, KeyCatalog.POLICY_ARCHIVE_CHANGELOG_USERS, List.of());
        Duration scan = config.duration(KeyCatalog.POLICY_ARCHIVE_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL);
        if (!config.has(KeyCatalog.POLICY_ARCHIVE_AFTER)) {
            return Optional.empty();
        }
        Duration after = config.duration(KeyCatalog.POLICY_ARCHIVE_AFTER, Duration.ZERO);
        if (users.isEmpty()) {
            throw config.error(KeyCatalog.POLICY_ARCHIVE_CHANGELOG_USERS, "is required with "
                    + KeyCatalog.POLICY_ARCHIVE_AFTER + ": the changelog user an administrator registered on each MDT"
                    + " (lctl --device FSNAME-MDTxxxx changelog_register, on the MDS), e.g. cl1, or"
                    + " FSNAME-MDT0000=cl1,FSNAME-MDT0001=cl2");
        }
        return Optional.of(new ArchiveRule(after, paths, names, minSize, maxSize, archiveId, users, scan));
    }

    /**
     * {@code policy.release.pools}: {@code FSNAME.POOL} entries, comma-separated, each optionally with its own
     * watermarks, {@code FSNAME.POOL:HIGH:LOW} (else the rule's).
     */
    private static List<PoolWatermarks> pools(ConfigReader config, int high, int low) throws ConfigException {
        String key = KeyCatalog.POLICY_RELEASE_POOLS;
        List<PoolWatermarks> pools = new ArrayList<>();
        for (String entry : paths(config, key, List.of())) {
            String[] parts = entry.split(":", -1);
            int dot = parts[0].indexOf('.');
            String fsname = dot < 0 ? "" : parts[0].substring(0, dot).strip();
            String pool = dot < 0 ? "" : parts[0].substring(dot + 1).strip();
            // LOV_MAXPOOLNAME: 15 characters; an fsname has at most 8
            if (fsname.isEmpty() || fsname.length() > 8 || pool.isEmpty() || pool.length() > 15
                    || pool.contains(".") || (parts.length != 1 && parts.length != 3)) {
                throw config.invalid(key, "'" + entry + "' is not FSNAME.POOL or FSNAME.POOL:HIGH:LOW (e.g."
                        + " lustre.flash or lustre.flash:80:60)");
            }
            int poolHigh = high;
            int poolLow = low;
            if (parts.length == 3) {
                try {
                    poolHigh = Integer.parseInt(parts[1].strip());
                    poolLow = Integer.parseInt(parts[2].strip());
                } catch (NumberFormatException e) {
                    poolHigh = -1;
                }
                if (poolHigh < 1 || poolHigh > 100 || poolLow < 1 || poolLow >= poolHigh) {
                    throw config.invalid(key, "'" + entry + "': HIGH and LOW must be whole percentages from 1 to"
                            + " 100, LOW below HIGH");
                }
            }
            PoolWatermarks watched = new PoolWatermarks(fsname, pool, poolHigh, poolLow);
            if (pools.stream().anyMatch(p -> p.qualified().equals(watched.qualified()))) {
                throw config.invalid(key, "names " + watched.qualified() + " twice");
            }
            pools.add(watched);
        }
        return pools;
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

    /** A comma-separated list (paths relative to the mount or absolute under it, name globs, changelog users). */
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
            throw config.invalid(key, "lists nothing (a comma-separated list)");
        }
        return paths;
    }

    String summary() {
        String text = archive.map(rule -> " policy.archive.after=" + DurationText.format(rule.after())
                + " policy.archive.paths=" + String.join(",", rule.paths()) + " policy.archive.names="
                + String.join(",", rule.names())).orElse("");
        if (release.isEmpty()) {
            return text;
        }
        ReleaseRule rule = release.get();
        return text + " policy.interval=" + DurationText.format(interval) + " policy.release.high_watermark="
                + rule.highWatermark() + " policy.release.low_watermark=" + rule.lowWatermark()
                + " policy.release.paths=" + String.join(",", rule.paths()) + " policy.release.never="
                + String.join(",", rule.never()) + " policy.release.min_age=" + DurationText.format(rule.minAge())
                + " policy.release.min_size=" + ByteSize.format(rule.minSize()) + (rule.pools().isEmpty() ? ""
                : " policy.release.pools=" + String.join(",", rule.pools().stream().map(p -> p.qualified() + ":"
                        + p.highWatermark() + ":" + p.lowWatermark()).toList()));
    }
}

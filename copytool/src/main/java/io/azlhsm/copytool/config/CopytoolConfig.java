package io.azlhsm.copytool.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.logging.Level;

/**
 * The copytool agent's configuration, read from a Java properties file ({@code --config FILE}); every key is
 * documented with its default in {@code conf/copytool.properties}. Immutable and validated: an instance exists
 * only if the whole file made sense.
 *
 * @param mount              the Lustre client mount this agent serves
 * @param lustreLibrary      {@code lustreapi} or an absolute path to a liblustreapi-compatible .so
 * @param chunkSize          bytes per pipeline event (one read or write)
 * @param ringSize           pipeline slots; ringSize x chunkSize is the data memory budget
 * @param readers            parallel read handlers
 * @param writers            parallel write handlers
 * @param progressInterval   how often running actions report progress
 * @param maxActionsInFlight actions begun and not yet ended, at most
 * @param maxActionsWaiting  actions received and not begun at which the agent stops reading from the coordinator
 * @param logLevel           java.util.logging level of the copytool's loggers
 * @param archives           archive id to settings; the ids registered with the coordinator
 * @param operations         how the agent is operated
 * @param imports            what import jobs may restore
 * @param tierPrices         the price table {@code copytool tier} estimates monthly costs from
 * @param policy             the policy engine's rules ({@code copytool policy})
 */
public record CopytoolConfig(Path mount, String lustreLibrary, long chunkSize, int ringSize, int readers,
                             int writers, Duration progressInterval, int maxActionsInFlight, int maxActionsWaiting,
                             Level logLevel,
                             SortedMap<Integer, ArchiveSettings> archives, OperationsSettings operations,
                             ImportSettings imports, TierPrices tierPrices, PolicySettings policy) {

    public static final String DEFAULT_LUSTRE_LIBRARY = "lustreapi";
    public static final long DEFAULT_CHUNK_SIZE = 8L << 20;
    public static final int DEFAULT_RING_SIZE = 64;
    public static final int DEFAULT_READERS = 8;
    public static final int DEFAULT_WRITERS = 4;
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_ACTIONS_IN_FLIGHT = 64;
    public static final int DEFAULT_MAX_ACTIONS_WAITING = 10_000;
    public static final Level DEFAULT_LOG_LEVEL = Level.INFO;

    public CopytoolConfig {
        archives = Collections.unmodifiableSortedMap(new TreeMap<>(archives));
    }

    /** Reads and validates a config file. */
    public static CopytoolConfig load(Path file) throws ConfigException, IOException {
        DuplicateKeyProperties properties = new DuplicateKeyProperties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        if (!properties.duplicates().isEmpty()) {
            String key = properties.duplicates().iterator().next();
            throw new ConfigException(file.toString(), key, "is set more than once; keep one line");
        }
        SecretFilePermissions.check(file, properties);
        return fromProperties(properties, file.toString());
    }

    /**
     * Validates already-read properties.
     *
     * @param origin names the source in error messages (usually the file path)
     */
    public static CopytoolConfig fromProperties(Properties properties, String origin) throws ConfigException {
        return fromProperties(properties, origin, System::getenv);
    }

    /**
     * Validates already-read properties against the given environment, which supplies defaults some keys take from
     * variables (the workload identity's AZURE_*).
     */
    public static CopytoolConfig fromProperties(Properties properties, String origin,
                                                UnaryOperator<String> environment)
            throws ConfigException {
        ConfigReader config = new ConfigReader(properties, origin, environment);
        List<String> keys = new ArrayList<>(properties.stringPropertyNames());
        Collections.sort(keys);
        SortedMap<Integer, List<String>> archiveKeys = classifyKeys(config, keys);

        Path mount = Path.of(config.required(KeyCatalog.MOUNT, "the Lustre client mount point"));
        if (!mount.isAbsolute()) {
            throw config.invalid(KeyCatalog.MOUNT, "must be an absolute path");
        }
        String library = config.nonEmpty(KeyCatalog.LUSTRE_LIBRARY).orElse(DEFAULT_LUSTRE_LIBRARY);
        if (library.contains("/") && !Path.of(library).isAbsolute()) {
            throw config.invalid(KeyCatalog.LUSTRE_LIBRARY, "must be a library name (lustreapi) or an absolute path");
        }
        long chunkSize = config.size(KeyCatalog.CHUNK_SIZE, DEFAULT_CHUNK_SIZE);
        if (chunkSize > Integer.MAX_VALUE) {
            throw config.invalid(KeyCatalog.CHUNK_SIZE, "must be below 2GiB (one chunk is one Java buffer)");
        }
        int ringSize = config.positiveInt(KeyCatalog.RING_SIZE, DEFAULT_RING_SIZE);
        if (Integer.bitCount(ringSize) != 1) {
            throw config.invalid(KeyCatalog.RING_SIZE, "must be a power of two (the Disruptor ring requires it)");
        }
        int readers = config.positiveInt(KeyCatalog.READERS, DEFAULT_READERS);
        int writers = config.positiveInt(KeyCatalog.WRITERS, DEFAULT_WRITERS);
        Duration progress = config.duration(KeyCatalog.PROGRESS_INTERVAL, DEFAULT_PROGRESS_INTERVAL);
        int maxInFlight = config.positiveInt(KeyCatalog.MAX_ACTIONS_IN_FLIGHT, DEFAULT_MAX_ACTIONS_IN_FLIGHT);
        int maxWaiting = config.positiveInt(KeyCatalog.MAX_ACTIONS_WAITING, DEFAULT_MAX_ACTIONS_WAITING);
        Level logLevel = logLevel(config);

        if (archiveKeys.isEmpty()) {
            throw config.error("archive.<id>.type", "no archive is configured; add at least archive.1.type = azure"
                    + " (or posix) and its settings");
        }
        SortedMap<Integer, ArchiveSettings> archives = new TreeMap<>();
        for (int id : archiveKeys.keySet()) {
            archives.put(id, ArchiveSettingsParser.parse(config, id, mount));
        }
        return new CopytoolConfig(mount, library, chunkSize, ringSize, readers, writers, progress, maxInFlight,
                maxWaiting, logLevel, archives, OperationsSettings.parse(config), ImportSettings.parse(config),
                TierPrices.parse(config), PolicySettings.parse(config));
    }

    /** Refuses unknown keys (with a did-you-mean) and groups archive keys by id. */
    private static SortedMap<Integer, List<String>> classifyKeys(ConfigReader config, List<String> keys)
            throws ConfigException {
        SortedMap<Integer, List<String>> archiveKeys = new TreeMap<>();
        for (String key : keys) {
            if (KeyCatalog.GLOBAL_KEYS.contains(key)) {
                continue;
            }
            Optional<String[]> archive = KeyCatalog.splitArchiveKey(key);
            if (archive.isPresent() && KeyCatalog.ARCHIVE_FIELDS.contains(archive.get()[1])) {
                int id = archiveId(config, key, archive.get()[0]);
                archiveKeys.computeIfAbsent(id, k -> new ArrayList<>()).add(key);
                continue;
            }
            if (key.equals("archive_ids")) {
                throw config.error(key, "unknown key: the archive ids are those of the archive.<id>.* keys present;"
                        + " remove this line");
            }
            String hint = KeyCatalog.suggestion(key).map(s -> "; did you mean '" + s + "'?").orElse("");
            throw config.error(key, "unknown key" + hint);
        }
        return archiveKeys;
    }

    private static int archiveId(ConfigReader config, String key, String idText) throws ConfigException {
        try {
            int id = Integer.parseInt(idText);
            if (id >= 1 && idText.equals(Integer.toString(id))) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw config.error(key, "archive id '" + idText + "' must be a whole number from 1 to " + Integer.MAX_VALUE
                + " (0 means 'every archive' to Lustre and cannot be configured)");
    }

    private static Level logLevel(ConfigReader config) throws ConfigException {
        Optional<String> text = config.string(KeyCatalog.LOG_LEVEL);
        if (text.isEmpty()) {
            return DEFAULT_LOG_LEVEL;
        }
        return switch (text.get().toUpperCase(Locale.ROOT)) {
            case "OFF" -> Level.OFF;
            case "SEVERE", "ERROR" -> Level.SEVERE;
            case "WARNING", "WARN" -> Level.WARNING;
            case "INFO" -> Level.INFO;
            case "CONFIG" -> Level.CONFIG;
            case "FINE", "DEBUG" -> Level.FINE;
            case "FINER" -> Level.FINER;
            case "FINEST", "TRACE" -> Level.FINEST;
            case "ALL" -> Level.ALL;
            default -> throw config.invalid(KeyCatalog.LOG_LEVEL, "is not a log level (use ERROR, WARNING, INFO,"
                    + " DEBUG, TRACE, or a java.util.logging level name)");
        };
    }

    /** The archive ids to register with the coordinator, ascending. */
    public int[] archiveIds() {
        return archives.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** Bytes of file data the pipeline may hold at once. */
    public long memoryBudget() {
        return (long) ringSize * chunkSize;
    }

    /** One line for the log: every setting, no secrets. */
    public String summary() {
        StringBuilder text = new StringBuilder()
                .append("mount=").append(mount)
                .append(" lustre.library=").append(lustreLibrary)
                .append(" chunk_size=").append(ByteSize.format(chunkSize))
                .append(" ring_size=").append(ringSize)
                .append(" (memory budget ").append(ByteSize.format(memoryBudget())).append(')')
                .append(" readers=").append(readers)
                .append(" writers=").append(writers)
                .append(" progress_interval=").append(DurationText.format(progressInterval))
                .append(" max_actions_in_flight=").append(maxActionsInFlight)
                .append(" max_actions_waiting=").append(maxActionsWaiting)
                .append(" log.level=").append(logLevel.getName())
                .append(operations.summary())
                .append(imports.summary())
                .append(tierPrices.summary())
                .append(policy.summary());
        for (ArchiveSettings archive : archives.values()) {
            text.append("; ").append(archive);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "CopytoolConfig[" + summary() + "]";
    }
}

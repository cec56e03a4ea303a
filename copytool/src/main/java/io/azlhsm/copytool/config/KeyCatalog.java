package io.azlhsm.copytool.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The keys the copytool understands, and the nearest known key for a misspelt one. */
final class KeyCatalog {
    static final String MOUNT = "mount";
    static final String LUSTRE_LIBRARY = "lustre.library";
    static final String CHUNK_SIZE = "pipeline.chunk_size";
    static final String RING_SIZE = "pipeline.ring_size";
    static final String READERS = "pipeline.readers";
    static final String WRITERS = "pipeline.writers";
    static final String PROGRESS_INTERVAL = "pipeline.progress_interval";
    static final String MAX_ACTIONS_IN_FLIGHT = "pipeline.max_actions_in_flight";
    static final String MAX_ACTIONS_WAITING = "pipeline.max_actions_waiting";
    static final String LOG_LEVEL = "log.level";
    static final String SHUTDOWN_GRACE = "shutdown_grace";
    static final String RESTORE_GRACE = "restore_grace";
    static final String OUTAGE_PATIENCE = "outage_patience";
    static final String EVENT_FIFO = "event_fifo";
    static final String METRICS_LISTEN = "metrics.listen";
    static final String BANDWIDTH_LIMIT = "bandwidth.limit";
    static final String RUNTIME_DIR = "runtime_dir";
    static final String IMPORT_RESTORE_SETID = "import.restore_setid";
    static final String TIER_PRICE_PREFIX = "tier.price.";
    static final String TIER_PRICE_CURRENCY = TIER_PRICE_PREFIX + "currency";
    static final String POLICY_INTERVAL = "policy.interval";
    static final String POLICY_RELEASE_HIGH = "policy.release.high_watermark";
    static final String POLICY_RELEASE_LOW = "policy.release.low_watermark";
    static final String POLICY_RELEASE_PATHS = "policy.release.paths";
    static final String POLICY_RELEASE_NEVER = "policy.release.never";
    static final String POLICY_RELEASE_MIN_AGE = "policy.release.min_age";
    static final String POLICY_RELEASE_MIN_SIZE = "policy.release.min_size";
    static final String POLICY_RELEASE_POOLS = "policy.release.pools";
    static final String POLICY_ARCHIVE_AFTER = "policy.archive.after";
    static final String POLICY_ARCHIVE_PATHS = "policy.archive.paths";
    static final String POLICY_ARCHIVE_NAMES = "policy.archive.names";
    static final String POLICY_ARCHIVE_MIN_SIZE = "policy.archive.min_size";
    static final String POLICY_ARCHIVE_MAX_SIZE = "policy.archive.max_size";
    static final String POLICY_ARCHIVE_ID = "policy.archive.archive_id";
    static final String POLICY_ARCHIVE_CHANGELOG_USERS = "policy.archive.changelog_users";
    static final String POLICY_ARCHIVE_SCAN_INTERVAL = "policy.archive.scan_interval";

    static final List<String> GLOBAL_KEYS = List.of(MOUNT, LUSTRE_LIBRARY, CHUNK_SIZE, RING_SIZE, READERS, WRITERS,
            PROGRESS_INTERVAL, MAX_ACTIONS_IN_FLIGHT, MAX_ACTIONS_WAITING, LOG_LEVEL, SHUTDOWN_GRACE, RESTORE_GRACE, OUTAGE_PATIENCE,
            EVENT_FIFO, METRICS_LISTEN, BANDWIDTH_LIMIT, RUNTIME_DIR, IMPORT_RESTORE_SETID, TIER_PRICE_CURRENCY,
            TIER_PRICE_PREFIX + "hot", TIER_PRICE_PREFIX + "cool", TIER_PRICE_PREFIX + "cold",
            TIER_PRICE_PREFIX + "archive", POLICY_INTERVAL, POLICY_RELEASE_HIGH, POLICY_RELEASE_LOW,
            POLICY_RELEASE_PATHS, POLICY_RELEASE_NEVER, POLICY_RELEASE_MIN_AGE, POLICY_RELEASE_MIN_SIZE,
            POLICY_RELEASE_POOLS, POLICY_ARCHIVE_AFTER, POLICY_ARCHIVE_PATHS, POLICY_ARCHIVE_NAMES, POLICY_ARCHIVE_MIN_SIZE,
            POLICY_ARCHIVE_MAX_SIZE, POLICY_ARCHIVE_ID, POLICY_ARCHIVE_CHANGELOG_USERS, POLICY_ARCHIVE_SCAN_INTERVAL);

    static final String TYPE = "type";
    static final String CONTAINER = "container";
    static final String PREFIX = "prefix";
    static final String CONNECTION_STRING = "connection_string";
    static final String ACCOUNT_URL = "account_url";
    static final String ACCOUNT_KEY = "account_key";
    static final String SAS_TOKEN = "sas_token";
    static final String AUTH = "auth";
    static final String CLIENT_ID = "client_id";
    static final String TENANT_ID = "tenant_id";
    static final String FEDERATED_TOKEN_FILE = "federated_token_file";
    static final String ROOT = "root";
    static final String SINGLE_PUT_LIMIT = "single_put_limit";
    static final String MAX_CONCURRENCY = "max_concurrency";
    static final String RELEASE_AFTER_ARCHIVE = "release_after_archive";
    static final String LOGGING_CONTAINER = "logging_container";
    static final String BLOCK_SIZE = "block_size";
    static final String MAX_TRIES = "max_tries";
    static final String RETRY_DELAY = "retry_delay";
    static final String ARCHIVE_BANDWIDTH_LIMIT = "bandwidth_limit";
    static final String ACCESS_TIER = "access_tier";
    static final String REHYDRATE_TIER = "rehydrate_tier";
    static final String REHYDRATE_PRIORITY = "rehydrate_priority";
    static final String REHYDRATE_POLL_INTERVAL = "rehydrate_poll_interval";
    static final String HYDRATOR_ROOTS = "hydrator_roots";
    static final String NAMESPACE = "namespace";
    static final String DFS_ENDPOINT = "dfs_endpoint";
    static final String DEFAULT_UID = "default_uid";
    static final String DEFAULT_GID = "default_gid";

    static final List<String> ARCHIVE_FIELDS = List.of(TYPE, CONTAINER, PREFIX, CONNECTION_STRING, ACCOUNT_URL,
            ACCOUNT_KEY, SAS_TOKEN, AUTH, CLIENT_ID, TENANT_ID, FEDERATED_TOKEN_FILE, ROOT, SINGLE_PUT_LIMIT, MAX_CONCURRENCY, RELEASE_AFTER_ARCHIVE, LOGGING_CONTAINER,
            BLOCK_SIZE, MAX_TRIES, RETRY_DELAY, ARCHIVE_BANDWIDTH_LIMIT, ACCESS_TIER, REHYDRATE_TIER,
            REHYDRATE_PRIORITY, REHYDRATE_POLL_INTERVAL, HYDRATOR_ROOTS, NAMESPACE, DFS_ENDPOINT, DEFAULT_UID,
            DEFAULT_GID);

    /** Archive fields whose values are credentials: never echoed. */
    static final Set<String> SECRET_FIELDS = Set.of(CONNECTION_STRING, ACCOUNT_KEY, SAS_TOKEN);

    private static final Pattern ARCHIVE_KEY = Pattern.compile("archive\\.([^.]+)\\.(.+)");

    private KeyCatalog() {
    }

    /** {@code archive.<id>.<field>} split into id text and field, if the key has that shape. */
    static Optional<String[]> splitArchiveKey(String key) {
        Matcher matcher = ARCHIVE_KEY.matcher(key);
        return matcher.matches() ? Optional.of(new String[] {matcher.group(1), matcher.group(2)}) : Optional.empty();
    }

    static boolean isSecret(String key) {
        return splitArchiveKey(key).map(parts -> SECRET_FIELDS.contains(parts[1])).orElse(false);
    }

    /**
     * A value as it may appear in a message: secrets hidden, and URLs cut before their query string, which is
     * where a SAS token would sit if someone pasted one into account_url.
     */
    static String displayValue(String key, String value) {
        if (isSecret(key)) {
            return "(value hidden)";
        }
        if (splitArchiveKey(key).map(parts -> parts[1].equals(ACCOUNT_URL)).orElse(false)) {
            return "'" + withoutQuery(value) + "'";
        }
        return "'" + value + "'";
    }

    static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?" + Secret.REDACTED;
    }

    /** The known key closest to {@code key}, if one is close enough to be a plausible typo. */
    static Optional<String> suggestion(String key) {
        List<String> candidates = new ArrayList<>(GLOBAL_KEYS);
        Optional<String[]> archive = splitArchiveKey(key);
        String prefix = archive.map(parts -> "archive." + parts[0] + ".").orElse("archive.1.");
        for (String field : ARCHIVE_FIELDS) {
            candidates.add(prefix + field);
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = editDistance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int tolerance = Math.max(2, key.length() / 4);
        return bestDistance <= tolerance ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

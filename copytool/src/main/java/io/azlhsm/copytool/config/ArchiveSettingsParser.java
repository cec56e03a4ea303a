package io.azlhsm.copytool.config;

import io.azlhsm.copytool.archive.NamespaceSettings;
import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.archive.TierSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Builds one {@link ArchiveSettings} from the {@code archive.<id>.*} keys, enforcing which keys fit which type. */
final class ArchiveSettingsParser {
    static final String MANAGED_IDENTITY = "managed-identity";
    static final String WORKLOAD_IDENTITY = "workload-identity";
    /** Microsoft Entra ID in the public cloud, as azure-identity defaults to. */
    static final String PUBLIC_AUTHORITY_HOST = "https://login.microsoftonline.com/";

    /** Azure's largest Put Blob body and Put Block block (service version 2019-12-12 and later). */
    static final long MAX_SINGLE_PUT = 5000L << 20;
    static final long MAX_BLOCK = 4000L << 20;

    private ArchiveSettingsParser() {
    }

    private static void refuse(ConfigReader config, String key, Optional<String> problem) throws ConfigException {
        if (problem.isPresent()) {
            throw config.invalid(key, problem.get());
        }
    }

    static ArchiveSettings parse(ConfigReader config, int id, Path mount) throws ConfigException {
        String p = "archive." + id + ".";
        String typeText = config.required(p + KeyCatalog.TYPE, "azure or posix");
        ArchiveType type = switch (typeText) {
            case "azure" -> ArchiveType.AZURE;
            case "posix" -> ArchiveType.POSIX;
            default -> throw config.invalid(p + KeyCatalog.TYPE, "is not an archive type (use azure or posix)");
        };
        long singlePutLimit = config.size(p + KeyCatalog.SINGLE_PUT_LIMIT, ArchiveSettings.DEFAULT_SINGLE_PUT_LIMIT);
        int maxConcurrency = config.positiveInt(p + KeyCatalog.MAX_CONCURRENCY,
                ArchiveSettings.DEFAULT_MAX_CONCURRENCY);
        boolean release = config.bool(p + KeyCatalog.RELEASE_AFTER_ARCHIVE, false);
        long blockSize = config.sizeOrZero(p + KeyCatalog.BLOCK_SIZE);
        long bandwidth = config.sizeOrZero(p + KeyCatalog.ARCHIVE_BANDWIDTH_LIMIT);
        int maxTries = config.positiveInt(p + KeyCatalog.MAX_TRIES, ArchiveSettings.DEFAULT_MAX_TRIES);
        java.time.Duration retryDelay = config.duration(p + KeyCatalog.RETRY_DELAY, ArchiveSettings.DEFAULT_RETRY_DELAY);
        if (retryDelay.compareTo(java.time.Duration.ofMinutes(1)) > 0) {
            throw config.invalid(p + KeyCatalog.RETRY_DELAY, "must be at most 1m (delays double up to one minute)");
        }

        if (type == ArchiveType.POSIX) {
            for (String azureOnly : new String[] {KeyCatalog.CONTAINER, KeyCatalog.PREFIX,
                    KeyCatalog.CONNECTION_STRING, KeyCatalog.ACCOUNT_URL, KeyCatalog.ACCOUNT_KEY,
                    KeyCatalog.SAS_TOKEN, KeyCatalog.AUTH, KeyCatalog.CLIENT_ID, KeyCatalog.TENANT_ID,
                    KeyCatalog.FEDERATED_TOKEN_FILE, KeyCatalog.LOGGING_CONTAINER, KeyCatalog.ACCESS_TIER,
                    KeyCatalog.REHYDRATE_TIER, KeyCatalog.REHYDRATE_PRIORITY, KeyCatalog.REHYDRATE_POLL_INTERVAL,
                    KeyCatalog.HYDRATOR_ROOTS, KeyCatalog.NAMESPACE, KeyCatalog.DFS_ENDPOINT, KeyCatalog.DEFAULT_UID,
                    KeyCatalog.DEFAULT_GID}) {
                if (config.has(p + azureOnly)) {
                    throw config.error(p + azureOnly, "applies only to type azure; archive " + id + " is posix");
                }
            }
            Path root = Path.of(config.required(p + KeyCatalog.ROOT, "the archive directory of a posix archive"));
            if (!root.isAbsolute()) {
                throw config.invalid(p + KeyCatalog.ROOT, "must be an absolute path");
            }
            return new ArchiveSettings(id, type, Optional.empty(), "", Optional.empty(), Optional.of(root),
                    singlePutLimit, maxConcurrency, release, Optional.empty(), blockSize, maxTries, retryDelay,
                    bandwidth, TierSettings.DEFAULT, java.util.List.of(), NamespaceSettings.FLAT);
        }

        if (config.has(p + KeyCatalog.ROOT)) {
            throw config.error(p + KeyCatalog.ROOT, "applies only to type posix; archive " + id + " is azure");
        }
        String container = config.required(p + KeyCatalog.CONTAINER, "the blob container of an azure archive");
        refuse(config, p + KeyCatalog.CONTAINER, AzureNames.containerProblem(container));
        String prefix = config.string(p + KeyCatalog.PREFIX).orElse("");
        refuse(config, p + KeyCatalog.PREFIX, AzureNames.prefixProblem(prefix));
        Optional<String> loggingContainer = config.nonEmpty(p + KeyCatalog.LOGGING_CONTAINER);
        if (loggingContainer.isPresent()) {
            refuse(config, p + KeyCatalog.LOGGING_CONTAINER, AzureNames.containerProblem(loggingContainer.get()));
        }
        if (singlePutLimit > MAX_SINGLE_PUT) {
            throw config.invalid(p + KeyCatalog.SINGLE_PUT_LIMIT, "is above Azure's largest single upload ("
                    + ByteSize.format(MAX_SINGLE_PUT) + ", Put Blob)");
        }
        if (blockSize > MAX_BLOCK) {
            throw config.invalid(p + KeyCatalog.BLOCK_SIZE, "is above Azure's largest block ("
                    + ByteSize.format(MAX_BLOCK) + ", Put Block)");
        }
        return new ArchiveSettings(id, type, Optional.of(container), prefix,
                Optional.of(credentials(config, p)), Optional.empty(), singlePutLimit, maxConcurrency, release,
                loggingContainer, blockSize, maxTries, retryDelay, bandwidth, tiers(config, p),
                hydratorRoots(config, p + KeyCatalog.HYDRATOR_ROOTS, mount), namespace(config, p));
    }

    /**
     * {@code namespace} (flat, the default; hierarchical; auto), {@code dfs_endpoint} (derived from the blob endpoint
     * when absent) and {@code default_uid} / {@code default_gid} (0, AMLFS's default): the last three only make sense
     * where the account may have a hierarchical namespace.
     */
    private static NamespaceSettings namespace(ConfigReader config, String p) throws ConfigException {
        String text = config.string(p + KeyCatalog.NAMESPACE).orElse("flat");
        NamespaceSettings.Kind kind = switch (text) {
            case "flat" -> NamespaceSettings.Kind.FLAT;
            case "hierarchical" -> NamespaceSettings.Kind.HIERARCHICAL;
            case "auto" -> NamespaceSettings.Kind.AUTO;
            default -> throw config.invalid(p + KeyCatalog.NAMESPACE, "is not flat, hierarchical or auto");
        };
        if (kind == NamespaceSettings.Kind.FLAT) {
            for (String key : new String[] {KeyCatalog.DFS_ENDPOINT, KeyCatalog.DEFAULT_UID, KeyCatalog.DEFAULT_GID}) {
                if (config.has(p + key)) {
                    throw config.error(p + key, "applies only with namespace hierarchical or auto");
                }
            }
            return NamespaceSettings.FLAT;
        }
        Optional<String> endpoint = config.nonEmpty(p + KeyCatalog.DFS_ENDPOINT);
        if (endpoint.isPresent() && !endpoint.get().matches("https?://[^?#]+")) {
            throw config.invalid(p + KeyCatalog.DFS_ENDPOINT, "must be an http(s) URL without a query string");
        }
        int uid = config.nonNegativeInt(p + KeyCatalog.DEFAULT_UID, 0);
        int gid = config.nonNegativeInt(p + KeyCatalog.DEFAULT_GID, 0);
        return new NamespaceSettings(kind, endpoint.orElse(null), uid, gid);
    }

    /**
     * {@code hydrator_roots}: the directories the AMLFS hydrator imported into ({@code -a}) in its default mode,
     * comma-separated, each absolute under the mount or relative to it ({@code /} alone, or the mount, for the mount
     * itself). Returned relative to the mount, "" for the mount, without duplicates.
     */
    static java.util.List<String> hydratorRoots(ConfigReader config, String key, Path mount) throws ConfigException {
        Optional<String> value = config.string(key);
        if (value.isEmpty() || value.get().isEmpty()) {
            return java.util.List.of();
        }
        java.util.LinkedHashSet<String> roots = new java.util.LinkedHashSet<>();
        for (String item : value.get().split(",")) {
            String text = item.strip();
            if (text.isEmpty()) {
                throw config.invalid(key, "has an empty entry (directories are separated by single commas)");
            }
            if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw config.invalid(key, "has an entry with a control character");
            }
            Path path = Path.of(text);
            Path relative;
            if (text.equals("/")) {
                relative = Path.of("");
            } else if (path.isAbsolute()) {
                if (!path.normalize().startsWith(mount.normalize())) {
                    throw config.invalid(key, "entry " + text + " is not under the mount " + mount);
                }
                relative = mount.normalize().relativize(path.normalize());
            } else {
                relative = path;
            }
            for (Path segment : relative) {
                if (segment.toString().equals("..") || segment.toString().equals(".")) {
                    throw config.invalid(key, "entry " + text + " has a '" + segment + "' segment");
                }
            }
            roots.add(relative.toString());
        }
        return java.util.List.copyOf(roots);
    }

    /**
     * {@code access_tier} (none: the account's default), {@code rehydrate_tier} (an online tier, default hot),
     * {@code rehydrate_priority} (standard or high) and {@code rehydrate_poll_interval}. A tier the service does not
     * have stops the agent at start, naming the key, rather than failing every upload later.
     */
    private static TierSettings tiers(ConfigReader config, String p) throws ConfigException {
        String accessKey = p + KeyCatalog.ACCESS_TIER;
        Optional<StorageTier> access = Optional.empty();
        Optional<String> accessText = config.nonEmpty(accessKey);
        if (accessText.isPresent()) {
            access = Optional.of(StorageTier.parse(accessText.get()).orElseThrow(() -> config.invalid(accessKey,
                    "is not an access tier (use hot, cool, cold or archive, or leave it out for the account's"
                            + " default tier)")));
        }
        String rehydrateKey = p + KeyCatalog.REHYDRATE_TIER;
        StorageTier rehydrateTier = StorageTier.HOT;
        Optional<String> rehydrateText = config.nonEmpty(rehydrateKey);
        if (rehydrateText.isPresent()) {
            rehydrateTier = StorageTier.parse(rehydrateText.get()).filter(StorageTier::online).orElseThrow(() ->
                    config.invalid(rehydrateKey, "is not an online tier to rehydrate to (use hot, cool or cold)"));
        }
        String priorityKey = p + KeyCatalog.REHYDRATE_PRIORITY;
        String priority = config.nonEmpty(priorityKey).orElse("standard").trim().toLowerCase(java.util.Locale.ROOT);
        if (!priority.equals("standard") && !priority.equals("high")) {
            throw config.invalid(priorityKey, "is not a rehydration priority (use standard or high)");
        }
        java.time.Duration poll = config.duration(p + KeyCatalog.REHYDRATE_POLL_INTERVAL,
                TierSettings.DEFAULT_REHYDRATE_POLL);
        if (poll.isZero() || poll.isNegative()) {
            throw config.invalid(p + KeyCatalog.REHYDRATE_POLL_INTERVAL, "must be positive");
        }
        return new TierSettings(access, rehydrateTier, priority.equals("high"), poll);
    }

    /**
     * Exactly one of: connection_string; account_url + account_key; account_url + sas_token; account_url + auth =
     * managed-identity (optionally with client_id); account_url + auth = workload-identity.
     */
    private static AzureCredentials credentials(ConfigReader config, String p) throws ConfigException {
        Optional<String> auth = config.nonEmpty(p + KeyCatalog.AUTH);
        if (auth.isPresent()) {
            return identityCredentials(config, p, auth.get());
        }
        for (String identityKey : new String[] {KeyCatalog.CLIENT_ID, KeyCatalog.TENANT_ID,
                KeyCatalog.FEDERATED_TOKEN_FILE}) {
            if (config.has(p + identityKey)) {
                throw config.error(p + identityKey, "names an identity, so it needs " + p + KeyCatalog.AUTH
                        + " = " + MANAGED_IDENTITY + " or " + WORKLOAD_IDENTITY);
            }
        }
        String connectionKey = p + KeyCatalog.CONNECTION_STRING;
        String urlKey = p + KeyCatalog.ACCOUNT_URL;
        String accountKeyKey = p + KeyCatalog.ACCOUNT_KEY;
        String sasKey = p + KeyCatalog.SAS_TOKEN;
        Optional<String> connection = config.nonEmpty(connectionKey);
        Optional<String> url = config.nonEmpty(urlKey);
        Optional<String> accountKey = config.nonEmpty(accountKeyKey);
        Optional<String> sas = config.nonEmpty(sasKey);

        if (connection.isPresent()) {
            for (String other : new String[] {urlKey, accountKeyKey, sasKey}) {
                if (config.has(other)) {
                    throw config.error(other, "cannot be combined with " + connectionKey + "; use one way to"
                            + " authenticate");
                }
            }
            return new AzureCredentials.ConnectionString(new Secret(connection.get()));
        }
        if (url.isEmpty()) {
            throw config.error(connectionKey, "an azure archive needs " + connectionKey + ", or " + urlKey
                    + " with " + accountKeyKey + " or " + sasKey + " or " + p + KeyCatalog.AUTH + " = "
                    + MANAGED_IDENTITY + " or " + WORKLOAD_IDENTITY);
        }
        refuse(config, urlKey, AzureNames.accountUrlProblem(url.get()));
        if (accountKey.isPresent() && sas.isPresent()) {
            throw config.error(sasKey, "cannot be combined with " + accountKeyKey + "; use one way to authenticate");
        }
        if (accountKey.isPresent()) {
            return new AzureCredentials.SharedKey(url.get(), new Secret(accountKey.get()));
        }
        if (sas.isPresent()) {
            return new AzureCredentials.SasToken(url.get(), new Secret(sas.get()));
        }
        throw config.error(urlKey, "needs " + accountKeyKey + " or " + sasKey + " or " + p + KeyCatalog.AUTH + " = "
                + MANAGED_IDENTITY + " or " + WORKLOAD_IDENTITY + " to authenticate");
    }

    /**
     * {@code auth = managed-identity | workload-identity}: the account URL says where, the node's or pod's identity
     * who; no secret may be set.
     */
    private static AzureCredentials identityCredentials(ConfigReader config, String p, String auth)
            throws ConfigException {
        String authKey = p + KeyCatalog.AUTH;
        if (!auth.equals(MANAGED_IDENTITY) && !auth.equals(WORKLOAD_IDENTITY)) {
            throw config.invalid(authKey, "is not an identity kind (use " + MANAGED_IDENTITY + " or "
                    + WORKLOAD_IDENTITY + ", or leave it out and give a connection string, account key or SAS token)");
        }
        for (String secret : new String[] {KeyCatalog.CONNECTION_STRING, KeyCatalog.ACCOUNT_KEY, KeyCatalog.SAS_TOKEN}) {
            if (config.has(p + secret)) {
                throw config.error(p + secret, "cannot be combined with " + authKey + " = " + auth
                        + "; use one way to authenticate");
            }
        }
        String urlKey = p + KeyCatalog.ACCOUNT_URL;
        String url = config.required(urlKey, "the blob endpoint the identity is used for");
        if (!url.startsWith("https://")) {
            // Bearer tokens travel only over TLS: the SDK refuses them on http, and so does Azure Storage.
            throw config.invalid(urlKey, "must be an https:// URL with " + authKey + " = " + auth);
        }
        if (url.contains("?")) {
            throw config.invalid(urlKey, "must not carry a query string with " + authKey + " = " + auth);
        }
        refuse(config, urlKey, AzureNames.accountUrlProblem(url));
        if (auth.equals(WORKLOAD_IDENTITY)) {
            return workloadIdentity(config, p, url);
        }
        for (String workloadOnly : new String[] {KeyCatalog.TENANT_ID, KeyCatalog.FEDERATED_TOKEN_FILE}) {
            if (config.has(p + workloadOnly)) {
                throw config.error(p + workloadOnly, "applies only to " + authKey + " = " + WORKLOAD_IDENTITY);
            }
        }
        Optional<String> clientId = config.nonEmpty(p + KeyCatalog.CLIENT_ID);
        return new AzureCredentials.ManagedIdentity(url, clientId);
    }

    /**
     * {@code auth = workload-identity}: tenant, client and token file from the keys, else from the variables the AKS
     * workload identity webhook injects into the pod; the authority from AZURE_AUTHORITY_HOST, else the public cloud.
     */
    private static AzureCredentials workloadIdentity(ConfigReader config, String p, String url)
            throws ConfigException {
        String tenantId = fromKeyOrEnvironment(config, p + KeyCatalog.TENANT_ID, "AZURE_TENANT_ID",
                "the Entra tenant of the identity");
        String clientId = fromKeyOrEnvironment(config, p + KeyCatalog.CLIENT_ID, "AZURE_CLIENT_ID",
                "the client id of the app registration or user-assigned identity federated with the pod");
        String tokenFileKey = p + KeyCatalog.FEDERATED_TOKEN_FILE;
        Path tokenFile = Path.of(fromKeyOrEnvironment(config, tokenFileKey, "AZURE_FEDERATED_TOKEN_FILE",
                "the service account token file kubelet projects into the pod"));
        if (!tokenFile.isAbsolute()) {
            throw config.error(tokenFileKey, tokenFile + " is not an absolute path");
        }
        if (!Files.isRegularFile(tokenFile) || !Files.isReadable(tokenFile)) {
            throw config.error(tokenFileKey, tokenFile + " is not a readable file (is the pod's service account"
                    + " token projected there?)");
        }
        String authorityHost = config.environmentVariable("AZURE_AUTHORITY_HOST")
                .orElse(PUBLIC_AUTHORITY_HOST);
        if (!authorityHost.startsWith("https://")) {
            throw config.error(p + KeyCatalog.AUTH, "AZURE_AUTHORITY_HOST must be an https:// URL for "
                    + WORKLOAD_IDENTITY + ", not '" + KeyCatalog.withoutQuery(authorityHost) + "'");
        }
        return new AzureCredentials.WorkloadIdentity(url, tenantId, clientId, tokenFile, authorityHost);
    }

    private static String fromKeyOrEnvironment(ConfigReader config, String key, String variable, String what)
            throws ConfigException {
        return config.nonEmptyOrEnvironment(key, variable).orElseThrow(() -> config.error(key,
                "is required with " + WORKLOAD_IDENTITY + " (" + what + "); set it or " + variable));
    }
}

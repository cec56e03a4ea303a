package io.azlhsm.copytool.config;

import java.nio.file.Path;
import java.util.Optional;

/** Builds one {@link ArchiveSettings} from the {@code archive.<id>.*} keys, enforcing which keys fit which type. */
final class ArchiveSettingsParser {
    private ArchiveSettingsParser() {
    }

    static ArchiveSettings parse(ConfigReader config, int id) throws ConfigException {
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
                    KeyCatalog.SAS_TOKEN, KeyCatalog.LOGGING_CONTAINER}) {
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
                    bandwidth);
        }

        if (config.has(p + KeyCatalog.ROOT)) {
            throw config.error(p + KeyCatalog.ROOT, "applies only to type posix; archive " + id + " is azure");
        }
        String container = config.required(p + KeyCatalog.CONTAINER, "the blob container of an azure archive");
        String prefix = config.string(p + KeyCatalog.PREFIX).orElse("");
        Optional<String> loggingContainer = config.nonEmpty(p + KeyCatalog.LOGGING_CONTAINER);
        return new ArchiveSettings(id, type, Optional.of(container), prefix,
                Optional.of(credentials(config, p)), Optional.empty(), singlePutLimit, maxConcurrency, release,
                loggingContainer, blockSize, maxTries, retryDelay, bandwidth);
    }

    /** Exactly one of: connection_string; account_url + account_key; account_url + sas_token. */
    private static AzureCredentials credentials(ConfigReader config, String p) throws ConfigException {
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
                    + " with " + accountKeyKey + " or " + sasKey);
        }
        if (!url.get().startsWith("https://") && !url.get().startsWith("http://")) {
            throw config.invalid(urlKey, "must be an http:// or https:// URL");
        }
        if (accountKey.isPresent() && sas.isPresent()) {
            throw config.error(sasKey, "cannot be combined with " + accountKeyKey + "; use one way to authenticate");
        }
        if (accountKey.isPresent()) {
            return new AzureCredentials.SharedKey(url.get(), new Secret(accountKey.get()));
        }
        if (sas.isPresent()) {
            return new AzureCredentials.SasToken(url.get(), new Secret(sas.get()));
        }
        throw config.error(urlKey, "needs " + accountKeyKey + " or " + sasKey + " to authenticate");
    }
}

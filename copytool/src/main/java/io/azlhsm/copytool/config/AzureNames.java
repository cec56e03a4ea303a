package io.azlhsm.copytool.config;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Azure Blob Storage's naming rules for what the configuration names, checked at start so that a mistake stops the
 * agent naming the key instead of failing every action later ("Create Container answered OutOfRangeInput"). Each
 * method answers why a value is refused, or nothing when it is fine.
 *
 * <p>Containers: 3 to 63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit,
 * no "--" (Azure's "Naming and referencing containers, blobs, and metadata"). Prefixes: the blob name rules
 * {@link ObjectNames} applies to every object name (at most 1024 characters and 254 segments, no empty, "." or ".."
 * segment, none ending in a dot, no backslash).
 */
final class AzureNames {
    static final int CONTAINER_MIN = 3;
    static final int CONTAINER_MAX = 63;

    private AzureNames() {
    }

    static Optional<String> containerProblem(String name) {
        if (name.length() < CONTAINER_MIN || name.length() > CONTAINER_MAX) {
            return Optional.of("is not a container name: it has " + name.length() + " characters, Azure takes "
                    + CONTAINER_MIN + " to " + CONTAINER_MAX);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
                return Optional.of("is not a container name: '" + c + "' at offset " + i + "; Azure takes lowercase"
                        + " letters, digits and '-' only");
            }
        }
        if (name.startsWith("-") || name.endsWith("-")) {
            return Optional.of("is not a container name: it must start and end with a letter or digit");
        }
        if (name.contains("--")) {
            return Optional.of("is not a container name: Azure refuses consecutive dashes ('--')");
        }
        return Optional.empty();
    }

    /** A prefix as written ("", "lustre/fs1" or "lustre/fs1/"): must be a valid blob name without its last '/'. */
    static Optional<String> prefixProblem(String prefix) {
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        String name = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        try {
            ObjectNames.validate(name);
            ObjectNames.refuseRewrittenNames(name);
        } catch (ArchiveException e) {
            return Optional.of("is not a blob name prefix (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    /**
     * The account's blob endpoint: http(s)://host[:port][/path][?query]. A query may carry a SAS (as the Azure SDK's
     * endpoints do); with an identity {@link ArchiveSettingsParser} refuses it.
     */
    static Optional<String> accountUrlProblem(String url) {
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            return Optional.of("must be an http:// or https:// URL");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL: " + e.getReason() + " at offset " + e.getIndex());
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("has no host name (e.g. https://ACCOUNT.blob.core.windows.net)");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry a user name or password");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not carry a '#' fragment");
        }
        return Optional.empty();
    }
}

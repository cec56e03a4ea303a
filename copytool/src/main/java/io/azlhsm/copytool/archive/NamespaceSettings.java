package io.azlhsm.copytool.archive;

import java.util.Objects;

/**
 * Whether an Azure archive's account has a hierarchical namespace (ADLS Gen2), and what that needs.
 *
 * @param kind        flat (the Blob API only), hierarchical (directories and POSIX attributes through the Data Lake
 *                    API) or auto (asked of the account once, at start)
 * @param dfsEndpoint the Data Lake endpoint; null to derive it from the blob endpoint
 *                    ({@code <account>.blob.core.windows.net} becomes {@code <account>.dfs.core.windows.net})
 * @param defaultUid  the uid given to a path whose owner is not a decimal uid (an Entra object id, {@code $superuser})
 * @param defaultGid  the gid given to a path whose group is not a decimal gid
 */
public record NamespaceSettings(Kind kind, String dfsEndpoint, int defaultUid, int defaultGid) {
    /** Today's behaviour: a flat account, blobs only. */
    public static final NamespaceSettings FLAT = new NamespaceSettings(Kind.FLAT, null, 0, 0);

    /** The values of {@code archive.N.namespace}. */
    public enum Kind {
        FLAT, HIERARCHICAL, AUTO;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public NamespaceSettings {
        Objects.requireNonNull(kind, "kind");
        if (defaultUid < 0 || defaultGid < 0) {
            throw new IllegalArgumentException("default uid and gid must not be negative");
        }
    }
}

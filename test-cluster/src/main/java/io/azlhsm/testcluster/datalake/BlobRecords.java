package io.azlhsm.testcluster.datalake;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a path's record is kept in the metadata of its blob. A directory is a zero-length blob with
 * {@code hdi_isfolder=true}, which is also how a real hierarchical-namespace account shows directories to the Blob
 * API. Owner, group and ACL live under reserved names that the stand-in hides from x-ms-properties; a blob written
 * through the Blob API without them has the service's defaults for a path created with a shared key
 * ({@code $superuser}, permissions 0666 or 0777 less the default umask 0027).
 */
final class BlobRecords {
    static final String IS_FOLDER = "hdi_isfolder";
    static final String OWNER = "dfs_owner";
    static final String GROUP = "dfs_group";
    static final String ACL = "dfs_acl";
    static final String STICKY = "dfs_sticky";
    private static final List<String> RESERVED = List.of(IS_FOLDER, OWNER, GROUP, ACL, STICKY);

    /** The identity a shared-key (account key) request acts as, and so owns what it creates. */
    static final String SUPERUSER = "$superuser";
    /** Path - Create, x-ms-umask: "The default umask is 0027." */
    static final int DEFAULT_UMASK = 0027;

    private BlobRecords() {
    }

    static boolean isDirectory(Map<String, String> metadata) {
        return "true".equalsIgnoreCase(get(metadata, IS_FOLDER));
    }

    static AccessControl defaultAccess(boolean directory) {
        return AccessControl.ofMode((directory ? 0777 : 0666) & ~DEFAULT_UMASK);
    }

    static PathRecord read(String name, Map<String, String> metadata, String etag, OffsetDateTime lastModified,
                           OffsetDateTime created, long length) {
        boolean directory = isDirectory(metadata);
        String aclText = get(metadata, ACL);
        boolean sticky = "1".equals(get(metadata, STICKY));
        AccessControl access = aclText == null ? defaultAccess(directory) : AccessControl.parseAcl(aclText, sticky);
        if (access == null) {
            access = defaultAccess(directory);
        }
        String owner = get(metadata, OWNER);
        String group = get(metadata, GROUP);
        Map<String, String> user = new HashMap<>();
        metadata.forEach((key, value) -> {
            if (!RESERVED.contains(key.toLowerCase(Locale.ROOT))) {
                user.put(key, value);
            }
        });
        return new PathRecord(name, directory, owner == null ? SUPERUSER : owner, group == null ? SUPERUSER : group,
                access, quoted(etag), lastModified, created, directory ? 0 : length, Map.copyOf(user), true);
    }

    /** The blob metadata that keeps {@code record} (user properties and the reserved names). */
    static Map<String, String> write(boolean directory, String owner, String group, AccessControl access,
                                     Map<String, String> userMetadata) {
        Map<String, String> metadata = new HashMap<>(userMetadata);
        if (directory) {
            metadata.put(IS_FOLDER, "true");
        }
        // Values are base64 so that owners such as "$superuser" or an ACL's ':' and ',' need no care.
        metadata.put(OWNER, encode(owner));
        metadata.put(GROUP, encode(group));
        metadata.put(ACL, encode(access.acl()));
        if (access.sticky()) {
            metadata.put(STICKY, "1");
        }
        return metadata;
    }

    private static String get(Map<String, String> metadata, String key) {
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(key)) {
                return key.equals(IS_FOLDER) || key.equals(STICKY) ? entry.getValue() : decode(entry.getValue());
            }
        }
        return null;
    }

    private static String encode(String value) {
        return java.util.Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String decode(String value) {
        try {
            return new String(java.util.Base64.getDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notOurs) {
            return value;
        }
    }

    static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }
}

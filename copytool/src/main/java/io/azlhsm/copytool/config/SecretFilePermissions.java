package io.azlhsm.copytool.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Properties;
import java.util.Set;

/**
 * Refuses a configuration file that holds a storage key, SAS token or connection string and that group or other users
 * can read: the key would be one {@code cat} away from every user of the data mover. Files without secrets (managed
 * or workload identity, posix archives) may be readable by anyone.
 */
final class SecretFilePermissions {
    private SecretFilePermissions() {
    }

    static void check(Path file, Properties properties) throws ConfigException, IOException {
        String secretKey = properties.stringPropertyNames().stream().sorted()
                .filter(key -> KeyCatalog.SECRET_FIELDS.stream().anyMatch(field -> key.endsWith("." + field)))
                .filter(key -> !properties.getProperty(key).isBlank())
                .findFirst().orElse(null);
        if (secretKey == null) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException noPosix) {
            return;
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new ConfigException(file.toString(), secretKey, "holds a secret but " + file
                    + " is readable by group or others; run: chmod 600 " + file);
        }
    }
}

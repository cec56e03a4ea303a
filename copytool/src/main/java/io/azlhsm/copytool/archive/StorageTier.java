package io.azlhsm.copytool.archive;

import java.util.Locale;
import java.util.Optional;

/**
 * The access tiers of Azure block blobs an archive can write to or rehydrate into. Archive is offline: its data cannot
 * be read until the blob is rehydrated (Set Blob Tier to an online tier), which takes hours.
 */
public enum StorageTier {
    HOT("Hot"),
    COOL("Cool"),
    COLD("Cold"),
    ARCHIVE("Archive");

    private final String serviceName;

    StorageTier(String serviceName) {
        this.serviceName = serviceName;
    }

    /** As the service spells it in {@code x-ms-access-tier}: Hot, Cool, Cold, Archive. */
    public String serviceName() {
        return serviceName;
    }

    /** As the configuration spells it: hot, cool, cold, archive. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean online() {
        return this != ARCHIVE;
    }

    /** The tier a configuration value or a service header names (any case), if it is one of these. */
    public static Optional<StorageTier> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (StorageTier tier : values()) {
            if (tier.serviceName.equalsIgnoreCase(text.trim())) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }
}

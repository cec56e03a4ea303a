package io.azlhsm.copytool.config;

/**
 * The configuration is unusable. The message names the file, the exact key and the reason; it never contains the
 * value of a secret key.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String origin, String key, String reason) {
        super(origin + ": " + key + ": " + reason);
        this.key = key;
    }

    /** The key at fault. */
    public String key() {
        return key;
    }
}

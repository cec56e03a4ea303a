package io.azlhsm.copytool.config;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Typed access to the raw properties of one config file. Every failure names the file, the key, the offending
 * value (unless the key holds a secret) and what would be accepted.
 */
final class ConfigReader {
    private final Properties properties;
    private final String origin;
    private final UnaryOperator<String> environment;

    ConfigReader(Properties properties, String origin) {
        this(properties, origin, System::getenv);
    }

    /** @param environment the process environment ({@code System::getenv}); tests pass their own */
    ConfigReader(Properties properties, String origin, UnaryOperator<String> environment) {
        this.properties = properties;
        this.origin = origin;
        this.environment = environment;
    }

    String origin() {
        return origin;
    }

    boolean has(String key) {
        return properties.containsKey(key);
    }

    /** The trimmed value, if the key is present. */
    Optional<String> string(String key) {
        String value = properties.getProperty(key);
        return value == null ? Optional.empty() : Optional.of(value.strip());
    }

    String required(String key, String what) throws ConfigException {
        String value = string(key).orElseThrow(() -> error(key, "is required (" + what + ")"));
        if (value.isEmpty()) {
            throw error(key, "is empty (" + what + ")");
        }
        return value;
    }

    Optional<String> nonEmpty(String key) throws ConfigException {
        Optional<String> value = string(key);
        if (value.isPresent() && value.get().isEmpty()) {
            throw error(key, "is empty; remove the line or give a value");
        }
        return value;
    }

    /**
     * The key's value, else the environment variable's (non-blank): for settings that a platform injects into the
     * process environment, such as the AKS workload identity webhook's AZURE_* variables.
     */
    Optional<String> nonEmptyOrEnvironment(String key, String variable) throws ConfigException {
        Optional<String> value = nonEmpty(key);
        if (value.isPresent()) {
            return value;
        }
        return environmentVariable(variable);
    }

    /** A variable of the process environment, if set and not blank. */
    Optional<String> environmentVariable(String variable) {
        String value = environment.apply(variable);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** A size where 0 has a meaning of its own (for limits: none). */
    long sizeOrZero(String key) throws ConfigException {
        Optional<String> value = string(key);
        if (value.isEmpty() || value.get().trim().equals("0")) {
            return 0;
        }
        return size(key, 0);
    }

    long size(String key, long defaultValue) throws ConfigException {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        long bytes;
        try {
            bytes = ByteSize.parse(value.get());
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
        if (bytes <= 0) {
            throw invalid(key, "must be greater than 0");
        }
        return bytes;
    }

    int positiveInt(String key, int defaultValue) throws ConfigException {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        int number;
        try {
            number = Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw invalid(key, "is not a whole number");
        }
        if (number <= 0) {
            throw invalid(key, "must be at least 1");
        }
        return number;
    }

    /** A uid or gid: 0 to 4294967294 would be Linux's range; Lustre's and Java's int keep it to 0..2^31-1. */
    int nonNegativeInt(String key, int defaultValue) throws ConfigException {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        int number;
        try {
            number = Integer.parseInt(value.get());
        } catch (NumberFormatException e) {
            throw invalid(key, "is not a whole number from 0 to " + Integer.MAX_VALUE);
        }
        if (number < 0) {
            throw invalid(key, "must not be negative");
        }
        return number;
    }

    Duration duration(String key, Duration defaultValue) throws ConfigException {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        Duration duration;
        try {
            duration = DurationText.parse(value.get());
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
        if (duration.isZero()) {
            throw invalid(key, "must be longer than 0");
        }
        return duration;
    }

    boolean bool(String key, boolean defaultValue) throws ConfigException {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "must be true or false");
        };
    }

    /** An error about the key's value; the value is quoted unless the key holds a secret. */
    ConfigException invalid(String key, String reason) {
        return new ConfigException(origin, key, KeyCatalog.displayValue(key, string(key).orElse("")) + " " + reason);
    }

    /** An error about the key itself (missing, not applicable, unknown). */
    ConfigException error(String key, String reason) {
        return new ConfigException(origin, key, reason);
    }
}

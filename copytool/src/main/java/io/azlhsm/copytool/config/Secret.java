package io.azlhsm.copytool.config;

import java.util.Objects;

/**
 * A credential (account key, SAS token, connection string). Its {@link #toString()} is redacted so it cannot
 * leak through logging, string concatenation or exception messages; code that needs the value calls
 * {@link #reveal()}, which is easy to find in review.
 */
public final class Secret {
    public static final String REDACTED = "****";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret itself: hand it only to the client library that needs it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return REDACTED;
    }
}

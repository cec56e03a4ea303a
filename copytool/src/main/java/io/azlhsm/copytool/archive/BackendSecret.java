package io.azlhsm.copytool.archive;

import java.util.Arrays;
import java.util.Objects;

/**
 * A credential (account key, SAS token, connection string) that never shows itself in {@link #toString()}, logs or
 * messages. The client library needs it as a String at construction, which is the only place {@link #reveal()} is
 * called.
 */
public final class BackendSecret {
    private final char[] value;

    private BackendSecret(char[] value) {
        this.value = value;
    }

    /** Wraps a copy of {@code value}; null or empty gives null (no secret configured). */
    public static BackendSecret of(char[] value) {
        return value == null || value.length == 0 ? null : new BackendSecret(value.clone());
    }

    /** Wraps {@code value}; null or empty gives null (no secret configured). */
    public static BackendSecret of(String value) {
        return value == null || value.isEmpty() ? null : new BackendSecret(value.toCharArray());
    }

    /** The secret itself, for the client library only. */
    public String reveal() {
        return new String(value);
    }

    /** Whether {@code text} contains this secret (used to prove messages are clean). */
    public boolean isContainedIn(String text) {
        return text != null && text.contains(new String(value));
    }

    @Override
    public String toString() {
        return "***";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BackendSecret secret && Arrays.equals(value, secret.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(value));
    }
}

package io.azlhsm.copytool.archive;

import java.util.Objects;

/**
 * What a writer believes is at a name when it writes there: nothing ({@link #absent()}, If-None-Match: *), or the
 * exact version it owns ({@link #etag}, If-Match). A write whose belief is wrong fails PRECONDITION and changes
 * nothing, so no file's copy is ever replaced by a writer that did not look at it first.
 *
 * @param etag the ETag the object must have; null for "no object"
 */
public record WriteCondition(String etag) {
    private static final WriteCondition ABSENT = new WriteCondition(null);

    /** The name must hold no object. */
    public static WriteCondition absent() {
        return ABSENT;
    }

    /** The name must hold exactly the version with this ETag. */
    public static WriteCondition etag(String etag) {
        return new WriteCondition(Objects.requireNonNull(etag, "etag"));
    }

    public boolean requiresAbsent() {
        return etag == null;
    }

    @Override
    public String toString() {
        return etag == null ? "if absent" : "if ETag " + etag;
    }
}

package io.azlhsm.copytool.archive;

import java.util.Objects;

/**
 * A failed archive operation, classified so the copytool can choose the errno it reports to the coordinator and
 * whether the action is worth retrying.
 *
 * <p>The message always names the object and the cause and never carries a secret: backends build it from status
 * codes and service error codes, and attach only a {@link RedactedCause redacted copy} of the client library's
 * exception chain.
 */
public final class ArchiveException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as the caller needs to know to react. */
    public enum Kind {
        /** Network failure, timeout, throttling or a 5xx that outlasted the retry policy: try again later. */
        TRANSIENT(Errno.ETIMEDOUT, true),
        /** The object (or its container) does not exist. */
        NOT_FOUND(Errno.ENOENT, false),
        /** The credentials are wrong, expired or lack the permission. */
        PERMISSION(Errno.EACCES, false),
        /** The object is not the one expected (ETag mismatch, concurrent replacement, conflict). */
        PRECONDITION(Errno.ESTALE, false),
        /** Data or checksum is inconsistent (MD5 mismatch, object shorter than recorded). */
        CORRUPT(Errno.EIO, false),
        /** The request itself is wrong (bad name, bad metadata, misuse of an upload). */
        INVALID(Errno.EINVAL, false),
        /** The object or its metadata exceeds a limit of the archive. */
        TOO_LARGE(Errno.EFBIG, false),
        /**
         * The object is in an offline tier (Azure's Archive tier: 409 BlobArchived) and cannot be read until it is
         * rehydrated, which takes hours; it was neither replaced nor removed.
         */
        OFFLINE(Errno.EAGAIN, true);

        private final int errno;
        private final boolean retryable;

        Kind(int errno, boolean retryable) {
            this.errno = errno;
            this.retryable = retryable;
        }
    }

    /** Linux errno values; the coordinator receives them through llapi_hsm_action_end. */
    public static final class Errno {
        public static final int ENOENT = 2;
        public static final int EIO = 5;
        public static final int EAGAIN = 11;
        public static final int EACCES = 13;
        public static final int EINVAL = 22;
        public static final int EFBIG = 27;
        public static final int ETIMEDOUT = 110;
        public static final int ESTALE = 116;

        private Errno() {
        }
    }

    private final Kind kind;
    private final int httpStatus;
    private final String objectName;
    private final boolean timedOut;

    private ArchiveException(Kind kind, String objectName, int httpStatus, boolean timedOut, String cause,
                             Throwable redactedCause) {
        super(message(kind, objectName, httpStatus, cause), redactedCause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.objectName = objectName;
        this.httpStatus = httpStatus;
        this.timedOut = timedOut;
    }

    /** A failure without an HTTP exchange (validation, local I/O). */
    public static ArchiveException of(Kind kind, String objectName, String cause) {
        return new ArchiveException(kind, objectName, 0, false, cause, null);
    }

    /** A failure without an HTTP exchange, keeping a redacted copy of the underlying exception for the stack trace. */
    public static ArchiveException of(Kind kind, String objectName, String cause, Throwable underlying) {
        return new ArchiveException(kind, objectName, 0, false, cause, RedactedCause.of(underlying));
    }

    /** A failure answered by a service with an HTTP status (or 0 when none arrived). */
    public static ArchiveException fromService(Kind kind, String objectName, int httpStatus, String cause,
                                               Throwable underlying) {
        return new ArchiveException(kind, objectName, httpStatus, false, cause, RedactedCause.of(underlying));
    }

    /** A transient failure that was a timeout rather than a refusal; reported as ETIMEDOUT instead of EAGAIN. */
    public static ArchiveException timedOut(String objectName, String cause, Throwable underlying) {
        return new ArchiveException(Kind.TRANSIENT, objectName, 0, true, cause, RedactedCause.of(underlying));
    }

    private static String message(Kind kind, String objectName, int httpStatus, String cause) {
        StringBuilder text = new StringBuilder(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        text.append(": ").append(objectName == null || objectName.isEmpty() ? "(no object)" : "'" + objectName + "'");
        if (httpStatus != 0) {
            text.append(" (HTTP ").append(httpStatus).append(')');
        }
        return text.append(": ").append(cause).toString();
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status the service answered, or 0 when the failure had none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The object the operation was about, or null for operations on the archive as a whole. */
    public String objectName() {
        return objectName;
    }

    /** The errno the copytool reports for this failure. */
    public int errno() {
        if (kind == Kind.TRANSIENT) {
            return timedOut ? Errno.ETIMEDOUT : Errno.EAGAIN;
        }
        return kind.errno;
    }

    /** Whether repeating the whole action later may succeed (the backend has already spent its own retries). */
    public boolean retryable() {
        return kind.retryable;
    }
}

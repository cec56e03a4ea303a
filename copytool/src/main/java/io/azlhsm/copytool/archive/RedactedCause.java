package io.azlhsm.copytool.archive;

import java.util.regex.Pattern;

/**
 * A stand-in for a client library's exception that keeps its class name, stack trace and cause chain but masks
 * anything in its message that looks like a credential.
 *
 * <p>Why: SDK and transport exceptions may quote request URLs (with a SAS signature) or connection strings. An
 * {@link ArchiveException} is logged with its causes, so the causes must be as clean as its own message.
 */
public final class RedactedCause extends Exception {
    private static final long serialVersionUID = 1L;

    /** SAS signature parameters, shared-key headers and connection-string keys, up to the next separator. */
    private static final Pattern CREDENTIAL = Pattern.compile(
            "(?i)(sig=|signature=|AccountKey=|SharedAccessSignature=|Authorization:\\s*SharedKey\\s+[^:\\s]+:)"
                    + "[^&;\\s'\"]*");
    /** Quoted signatures in service answers such as "The MAC signature found in the HTTP request 'xyz' is not..." */
    private static final Pattern QUOTED_SIGNATURE = Pattern.compile("(?i)(signature found in the HTTP request ')[^']*");

    private final String originalClass;

    private RedactedCause(String originalClass, String message) {
        super(message);
        this.originalClass = originalClass;
    }

    /** A redacted copy of the whole chain, or null for null. */
    public static RedactedCause of(Throwable original) {
        if (original == null) {
            return null;
        }
        if (original instanceof RedactedCause already) {
            return already;
        }
        RedactedCause copy = new RedactedCause(original.getClass().getName(), redact(original.getMessage()));
        copy.setStackTrace(original.getStackTrace());
        Throwable next = original.getCause();
        if (next != null && next != original) {
            copy.initCause(of(next));
        }
        return copy;
    }

    /** The message with anything credential-shaped replaced by "***". */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String masked = CREDENTIAL.matcher(text).replaceAll("$1***");
        return QUOTED_SIGNATURE.matcher(masked).replaceAll("$1***");
    }

    /** The class name of the exception this copy stands for. */
    public String originalClass() {
        return originalClass;
    }

    @Override
    public String toString() {
        String message = getMessage();
        return message == null ? originalClass : originalClass + ": " + message;
    }
}

package io.azlhsm.copytool.operations;

/**
 * A failure the copytool itself detected while carrying out an action (checksum mismatch, file changed, blob
 * missing...), with the errno the action ends with and whether the coordinator should retry it.
 */
public final class ActionFailure extends Exception {
    private final int errno;
    private final boolean retryable;

    public ActionFailure(int errno, boolean retryable, String message) {
        super(message);
        this.errno = errno;
        this.retryable = retryable;
    }

    public ActionFailure(int errno, boolean retryable, String message, Throwable cause) {
        super(message, cause);
        this.errno = errno;
        this.retryable = retryable;
    }

    public int errno() {
        return errno;
    }

    public boolean retryable() {
        return retryable;
    }
}

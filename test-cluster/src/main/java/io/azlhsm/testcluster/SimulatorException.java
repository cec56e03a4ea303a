package io.azlhsm.testcluster;

/** A failure with the errno a real Lustre MDT or client would return for it. */
public final class SimulatorException extends Exception {
    private final int errno;

    public SimulatorException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** Positive errno. */
    public int errno() {
        return errno;
    }
}

package io.azlhsm.copytool.jobs.imports;

/** One blob could not be imported; counted against {@code --max-errors}, the job goes on if it may. */
final class ItemError extends Exception {
    ItemError(String message) {
        super(message);
    }

    ItemError(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.azlhsm.copytool.jobs.imports;

/** Ends an import FAILED: a conflict under {@code --conflict fail}, or more errors than {@code --max-errors}. */
final class ImportStop extends RuntimeException {
    ImportStop(String message) {
        super(message);
    }
}

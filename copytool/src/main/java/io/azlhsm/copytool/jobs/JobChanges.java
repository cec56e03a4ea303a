package io.azlhsm.copytool.jobs;

/**
 * The one door through which a job changes the file system or an archive: an HSM request, a release, a stub, a blob
 * put or delete, a repair. Everything before it (the walk, the filters, the conflict modes, the identity checks) is
 * the same code in a real run and in a dry run; only this last step differs. A real run's {@link AppliedChanges}
 * makes the change; a dry run's {@link RecordedChanges} writes "would ..." to the job's local log, keeps the first
 * few for the summary and changes nothing.
 */
public interface JobChanges {
    /** A change to the file system or an archive, which may fail with a checked exception of one kind. */
    @FunctionalInterface
    interface Change<E extends Exception> {
        void make() throws E;
    }

    /** True in a dry run: {@link #apply} makes no change. */
    boolean dryRun();

    /**
     * Makes {@code change}, or in a dry run records that it would be made and returns as if it succeeded.
     *
     * @param action what the change does, as a verb phrase ("release", "request ARCHIVE", "put marker blob")
     * @param path   the file or directory it concerns (null when none)
     * @param blob   the blob it concerns (null when none)
     */
    <E extends Exception> void apply(String action, String path, String blob, Change<E> change) throws E;

    /**
     * One change that concerns many files at once (an HSM request for a batch): made once, or in a dry run recorded
     * once per file, so the list of what would be done names each.
     */
    <E extends Exception> void applyToAll(String action, java.util.List<String> paths, Change<E> change) throws E;
}

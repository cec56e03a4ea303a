package io.azlhsm.copytool.jobs.check;

/**
 * The one class {@code copytool check} gives each file and each blob. A file is judged by its HSM state, its archive
 * record and the blob that record names; a blob by whether a live file records it and by who wrote it.
 */
public enum CheckClass {
    /** A file whose recorded blob is there as recorded; a blob a live file records (or a symlink's or marker). */
    OK("ok"),
    /** A file no archive copy is expected for: never archived, or dirty (written since its archive). */
    NOT_ARCHIVED("not-archived"),
    /** An archived, clean, resident file whose blob is gone: its data is still in Lustre. Repairable. */
    BLOB_MISSING("blob-missing"),
    /**
     * A released file whose blob is gone or holds another ETag (no preserved version either): its data is gone. Also
     * a file already marked HS_LOST. Repair marks it HS_LOST so that reads fail at once.
     */
    LOST("lost"),
    /** An archived, clean, resident file whose blob now has another ETag: its data is only in Lustre. Repairable. */
    BLOB_REPLACED("blob-replaced"),
    /** The recorded blob is there with the recorded ETag, but its size is not the file's. */
    SIZE_MISMATCH("size-mismatch"),
    /** {@code --deep}: the recorded blob's bytes read back do not have the recorded checksum. */
    CHECKSUM_MISMATCH("checksum-mismatch"),
    /** A released stub made by an import whose container blob was replaced since (another ETag). */
    STALE_STUB("stale-stub"),
    /** A blob with our FID metadata (or a symlink or marker blob we wrote) that no live file records. */
    ORPHAN_BLOB("orphan-blob"),
    /** A blob another tool wrote (no FID metadata) that no file records: imported-but-unused data, never touched. */
    FOREIGN_BLOB("foreign-blob");

    private final String label;

    CheckClass(String label) {
        this.label = label;
    }

    /** The name used in the report, the job's counters and the summary, e.g. {@code blob-missing}. */
    public String label() {
        return label;
    }

    /** True for the classes the report lists item by item (all but ok and not-archived). */
    public boolean listed() {
        return this != OK && this != NOT_ARCHIVED;
    }

    /** True when a file's data is at risk or gone: the check then ends CompletedPartial (exit status 3). */
    public boolean atRisk() {
        return switch (this) {
            case BLOB_MISSING, LOST, BLOB_REPLACED, SIZE_MISMATCH, CHECKSUM_MISMATCH, STALE_STUB -> true;
            default -> false;
        };
    }
}

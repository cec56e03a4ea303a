package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.jobs.JobCounters;
import java.util.List;

/** AMLFS's import counters, created in its order so {@code copytool jobs} lists them that way. */
final class ImportCounters {
    static final String WALKED = "totalBlobsWalked";
    static final String WALKED_PER_SECOND = "blobsWalkedPerSecond";
    static final String IMPORTED = "totalBlobsImported";
    static final String IMPORTED_PER_SECOND = "blobsImportedPerSecond";
    static final String FILES = "importedFiles";
    static final String DIRECTORIES = "importedDirectories";
    static final String SYMLINKS = "importedSymlinks";
    static final String PREEXISTING_FILES = "preexistingFiles";
    static final String PREEXISTING_DIRECTORIES = "preexistingDirectories";
    static final String PREEXISTING_SYMLINKS = "preexistingSymlinks";
    static final String ERRORS = "totalErrors";
    static final String CONFLICTS = "totalConflicts";
    /**
     * Ours, not AMLFS's: released stubs a skip left whose recorded blob is gone or replaced, so reading them fails
     * until an overwrite mode imports them again.
     */
    static final String STALE_STUBS = "staleStubs";
    /**
     * Ours: blobs whose owner, group, mode or mtime was missing or malformed, so that AMLFS's default was given (the
     * job log names the first few at WARNING).
     */
    static final String ATTRIBUTES_DEFAULTED = "attributesDefaulted";

    /** The counts (not the rates), which a checkpoint carries. */
    static final List<String> COUNTS = List.of(WALKED, IMPORTED, FILES, DIRECTORIES, SYMLINKS, PREEXISTING_FILES,
            PREEXISTING_DIRECTORIES, PREEXISTING_SYMLINKS, ERRORS, CONFLICTS, STALE_STUBS, ATTRIBUTES_DEFAULTED);

    private ImportCounters() {
    }

    static void create(JobCounters counters) {
        for (String name : List.of(WALKED, WALKED_PER_SECOND, IMPORTED, IMPORTED_PER_SECOND, FILES, DIRECTORIES,
                SYMLINKS, PREEXISTING_FILES, PREEXISTING_DIRECTORIES, PREEXISTING_SYMLINKS, ERRORS, CONFLICTS,
                STALE_STUBS, ATTRIBUTES_DEFAULTED)) {
            counters.counter(name);
        }
    }
}

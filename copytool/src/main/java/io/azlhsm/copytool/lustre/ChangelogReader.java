package io.azlhsm.copytool.lustre;

import java.util.Optional;
import jnr.ffi.byref.PointerByReference;

/**
 * Reads the changelog of one MDT ({@code llapi_changelog_start / _recv / _free / _fini}), and clears consumed
 * records for a registered changelog user ({@code llapi_changelog_clear}).
 */
public final class ChangelogReader implements AutoCloseable {
    private final LustreLibrary library;
    private final String mdtName;
    private final PointerByReference handle;
    private boolean closed;

    private ChangelogReader(LustreLibrary library, String mdtName, PointerByReference handle) {
        this.library = library;
        this.mdtName = mdtName;
        this.handle = handle;
    }

    /**
     * @param mdtName  e.g. {@code lustre-MDT0000}
     * @param flags    {@link ChangelogFlags#FOLLOW}, {@code BLOCK}, {@code JOBID}, {@code EXTRA_FLAGS}
     * @param startRec first record index to return
     */
    public static ChangelogReader start(LustreLibrary library, String mdtName, int flags, long startRec)
            throws LustreException {
        PointerByReference handle = new PointerByReference();
        LustreException.check(library.api().llapi_changelog_start(handle, flags, mdtName, startRec),
                "llapi_changelog_start", mdtName + " from " + startRec);
        return new ChangelogReader(library, mdtName, handle);
    }

    /** The next record; empty at the end of the log (recv returned 1). */
    public Optional<ChangelogRecord> next() throws LustreException, LustreFormatException {
        ensureOpen();
        PointerByReference rec = new PointerByReference();
        int rc = LustreException.check(library.api().llapi_changelog_recv(handle.getValue(), rec),
                "llapi_changelog_recv", mdtName);
        if (rc == 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(ChangelogRecord.decode(rec.getValue()));
        } finally {
            library.api().llapi_changelog_free(rec);
        }
    }

    /** A descriptor to poll for new records in FOLLOW mode. Owned by the library: do not close it. */
    public int fd() throws LustreException {
        ensureOpen();
        return LustreException.check(library.api().llapi_changelog_get_fd(handle.getValue()),
                "llapi_changelog_get_fd", mdtName);
    }

    /** Tells the MDT that changelog user {@code userId} (e.g. {@code cl1}) has consumed records up to endRec. */
    public static void clear(LustreLibrary library, String mdtName, String userId, long endRec)
            throws LustreException {
        LustreException.check(library.api().llapi_changelog_clear(mdtName, userId, endRec), "llapi_changelog_clear",
                mdtName + " " + userId + " to " + endRec);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("changelog reader of " + mdtName + " is closed");
        }
    }

    /** Idempotent. */
    @Override
    public synchronized void close() throws LustreException {
        if (closed) {
            return;
        }
        closed = true;
        LustreException.check(library.api().llapi_changelog_fini(handle), "llapi_changelog_fini", mdtName);
    }
}

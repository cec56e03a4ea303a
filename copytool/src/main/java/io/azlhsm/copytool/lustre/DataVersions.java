package io.azlhsm.copytool.lustre;

import jnr.ffi.byref.LongLongByReference;

/**
 * A file's data version: the counter Lustre bumps on every data change, used to detect writes during an archive
 * and to decide whether a file may be released.
 */
public final class DataVersions {
    /** Flush cached reads (clients holding read locks) before reading the version. */
    public static final long LL_DV_RD_FLUSH = 0x1;
    /** Flush cached writes before reading the version. */
    public static final long LL_DV_WR_FLUSH = 0x2;

    private final LustreLibrary library;

    public DataVersions(LustreLibrary library) {
        this.library = library;
    }

    public long dataVersion(int fd, long flags) throws LustreException {
        LongLongByReference version = new LongLongByReference();
        LustreException.check(library.api().llapi_get_data_version(fd, version, flags), "llapi_get_data_version",
                "fd " + fd);
        return version.getValue();
    }

    /** Records {@code dataVersion} as the archived version (what {@code lfs data_version -s} does). */
    public void setArchivedVersion(int fd, long dataVersion) throws LustreException {
        LustreException.check(library.api().llapi_hsm_data_version_set(fd, dataVersion),
                "llapi_hsm_data_version_set", "fd " + fd + " dv=" + Long.toUnsignedString(dataVersion));
    }
}

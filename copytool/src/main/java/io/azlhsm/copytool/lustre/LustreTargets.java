package io.azlhsm.copytool.lustre;

import java.nio.file.Path;
import jnr.ffi.byref.IntByReference;

/**
 * The metadata targets of a mounted file system, as the client sees them ({@code llapi_get_obd_count}). A DNE file
 * system has several MDTs, each with its own changelog; a consumer of changes must read every one.
 */
public final class LustreTargets {
    private final LustreLibrary library;

    public LustreTargets(LustreLibrary library) {
        this.library = library;
    }

    /** How many MDTs the client knows (indexes 0 to count - 1), 1 without DNE. */
    public int mdtCount(Path mount) throws LustreException {
        IntByReference count = new IntByReference(1);
        LustreException.check(library.api().llapi_get_obd_count(mount.toString(), count, 1), "llapi_get_obd_count",
                mount + " (MDTs)");
        int mdts = count.getValue();
        if (mdts < 1) {
            throw new LustreException("llapi_get_obd_count", mount + " (MDTs): answered " + mdts, Errno.EPROTO);
        }
        return mdts;
    }
}

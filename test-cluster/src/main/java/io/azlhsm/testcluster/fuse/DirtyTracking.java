package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

import java.nio.file.Path;

/**
 * What a change of a file's data does to its HSM state, as a Lustre client sees it: a new data version at each write
 * or truncate, and the DIRTY flag on a file with an archive copy, at once for a truncate, at the close for writes (the
 * mount remembers a modified open in {@link OpenFile#modified}). Holds no state: the namespace keeps both.
 */
final class DirtyTracking {
    private final Namespace ns;

    DirtyTracking(Namespace ns) {
        this.ns = ns;
    }

    /** A write or truncate: new data version now; DIRTY now (truncate) or at close (write). */
    void dataModified(Path p, Fid fid, boolean markDirtyNow) throws SimulatorException {
        ns.bumpDataVersion(p);
        if (markDirtyNow) {
            markDirty(fid);
        }
    }

    /** Lustre sets DIRTY on a file that has an archive copy (or one on its way: EXISTS) when its data changes. */
    void markDirty(Fid fid) throws SimulatorException {
        HsmAttributes a = ns.hsm(fid);
        if (a.has(HsmFlags.EXISTS) && !a.has(HsmFlags.DIRTY)) {
            ns.setHsm(fid, a.withFlags(a.flags() | HsmFlags.DIRTY));
        }
    }
}

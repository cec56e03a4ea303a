package io.azlhsm.testcluster.changelog;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.Namespace;

import java.nio.file.Path;

/**
 * The changelogs of a file system, one per MDT (on a client, /dev/changelog-FSNAME-MDTxxxx each): an MDT logs what
 * it changes, so a record goes to the MDT of the directory whose name it adds, removes or renames, or for a
 * record without a name (TRUNC, SATTR, CLOSE, HSM, ...) to the MDT of the file. Users are per MDT too: each MDT
 * numbers its own clN. MDT0's state files keep their single-MDT names (changelog.records, changelog.users).
 */
public final class Changelogs {
    private final Namespace ns;
    private final Changelog[] mdts;

    public Changelogs(Path stateDir, Namespace ns) {
        this.ns = ns;
        this.mdts = new Changelog[ns.mdtCount()];
        for (int mdt = 0; mdt < mdts.length; mdt++) {
            mdts[mdt] = mdt == 0 ? new Changelog(stateDir) : new Changelog(stateDir,
                    String.format("changelog-MDT%04x", mdt));
        }
    }

    /** The changelog of MDT mdt. */
    public Changelog of(int mdt) {
        return mdts[mdt];
    }

    /** Whether any MDT keeps records (a reader is registered on it). */
    public boolean isActive() {
        for (Changelog changelog : mdts) {
            if (changelog.isActive()) {
                return true;
            }
        }
        return false;
    }

    /** A record about target; a name record (parent and name given) goes to the parent's MDT. */
    public void add(int type, int flags, Fid target, Fid parent, String name) {
        of(mdtOf(parent != null && !parent.equals(Fid.ZERO) ? parent : target)).add(type, flags, target, parent,
                name);
    }

    /** A rename record, on the MDT of the new name's directory. */
    public void addRename(int flags, Fid overwritten, Fid parent, String name, Fid source, Fid sourceParent,
                          String sourceName) {
        of(mdtOf(parent)).addRename(flags, overwritten, parent, name, source, sourceParent, sourceName);
    }

    private int mdtOf(Fid fid) {
        try {
            return ns.mdtOf(fid);
        } catch (SimulatorException e) {
            return 0; // a FID of no MDT (the zero FID): MDT0 logs it
        }
    }
}

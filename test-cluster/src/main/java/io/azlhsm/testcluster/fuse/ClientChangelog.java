package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.Namespace;

/**
 * The changelog records a client mount's operations produce, shaped as Lustre's MDT writes them: namespace records
 * (CREAT, MKDIR, HLINK, SLINK, UNLNK, RMDIR, RENME) name the entry under its parent's FID; data and attribute
 * records (TRUNC, SATTR, XATTR, MTIME, CLOSE) carry the file's FID alone. Nothing is built while no changelog user
 * is registered.
 */
final class ClientChangelog {
    private final Namespace ns;
    private final Changelogs changelog;

    ClientChangelog(Namespace ns, Changelogs changelog) {
        this.ns = ns;
        this.changelog = changelog;
    }

    /** CREAT, MKDIR, HLINK, SLINK: fid by its name rel (relative to the root) under the parent directory. */
    void named(int type, Fid fid, String rel) throws SimulatorException {
        if (changelog.isActive()) {
            changelog.add(type, 0, fid, parentFid(rel), name(rel));
        }
    }

    /** TRUNC, SATTR, XATTR, MTIME, CLOSE: about the file fid, no name. */
    void data(int type, int flags, Fid fid) {
        if (changelog.isActive()) {
            changelog.add(type, flags, fid, null, null);
        }
    }

    /**
     * UNLNK or RMDIR of the name rel in parent (looked up before the name went). LAST when it was the file's last
     * name; HSM_EXISTS, only then, when an archive copy exists: a reader learns the copy is orphaned.
     */
    void unlinked(boolean directory, boolean last, boolean archiveExists, Fid fid, Fid parent, String rel) {
        int flags = (last ? ChangelogRecord.CLF_UNLINK_LAST : 0)
                | (last && archiveExists ? ChangelogRecord.CLF_UNLINK_HSM_EXISTS : 0);
        changelog.add(directory ? ChangelogRecord.CL_RMDIR : ChangelogRecord.CL_UNLINK, flags, fid, parent, name(rel));
    }

    /**
     * RENME of the file now at to, which was at from in oldParent. tfid is the file the rename overwrote (zero if
     * none; flags RENAME_LAST / RENAME_LAST_EXISTS say what became of it); the source FIDs and the old name follow.
     */
    void renamed(int flags, Fid overwritten, String from, Fid oldParent, String to) throws SimulatorException {
        if (changelog.isActive()) {
            changelog.addRename(flags, overwritten == null ? Fid.ZERO : overwritten, parentFid(to), name(to),
                    ns.fidOf(to), oldParent, name(from));
        }
    }

    /** The FID of the directory holding rel. */
    Fid parentFid(String rel) throws SimulatorException {
        int slash = rel.lastIndexOf('/');
        return ns.fidOf(slash < 0 ? "" : rel.substring(0, slash));
    }

    static String name(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }
}

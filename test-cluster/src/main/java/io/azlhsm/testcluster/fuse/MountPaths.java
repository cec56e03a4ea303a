package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.Namespace;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a path on a client mount leads: the backing file of a name, of {@code .lustre/fid/<FID>} or of a restore's
 * volatile file reached that way, and whether this client may reach the MDT holding it (its MDC active). The
 * {@code .lustre} and {@code .lustre/fid} directories are virtual. Holds no state of its own: the namespace and the
 * MDC imports are asked at each call, so it is safe on any FUSE thread.
 */
final class MountPaths {
    static final String DOT_LUSTRE = "/.lustre";
    static final String FID_DIR = "/.lustre/fid";

    private final Namespace ns;
    private final MdcImports imports;
    private final String uuid;

    MountPaths(Namespace ns, MdcImports imports, String uuid) {
        this.ns = ns;
        this.imports = imports;
        this.uuid = uuid;
    }

    /**
     * The backing path of a path on the mount (resolving .lustre/fid/<FID>, a restore's volatile file included), for
     * an operation on an object that exists (never to create one: that is {@link #relative}). A FID is looked up in
     * the namespace's index alone, without a stat of its file: the operation that follows fails with ENOENT by
     * itself when the file is gone, and a stat per lookup was a tenth of the simulator's CPU.
     */
    Path backing(String path) throws SimulatorException {
        Fid fid = fidName(path);
        if (fid == null) {
            return ns.backingPath(relative(path));
        }
        String rel = ns.indexedPath(fid);
        if (rel != null) {
            requireActiveMdc(rel);
            return ns.backingPath(rel);
        }
        Optional<Path> v = ns.volatileFile(fid);
        if (v.isPresent()) {
            if (!allMdcsActive()) {
                requireActiveMdc(ns.mdtOf(fid)); // a restore's volatile file, on the MDT of its FID
            }
            return v.get();
        }
        throw new SimulatorException(Errno.ENOENT, "no such FID " + fid);
    }

    /**
     * As {@link #relative}, for the open of an object that exists (a restore's volatile file is opened apart,
     * {@link #volatileTarget}): a {@code .lustre/fid/<FID>} is looked up in the index alone, as by {@link #backing}.
     */
    String relativeOfExisting(String path) throws SimulatorException {
        Fid fid = fidName(path);
        if (fid == null) {
            return relative(path);
        }
        String rel = ns.indexedPath(fid);
        if (rel == null) {
            throw new SimulatorException(Errno.ENOENT, "no such FID " + fid);
        }
        requireActiveMdc(rel);
        return rel;
    }

    /**
     * The FID of the object a path names, for a record about an operation just done on it: a
     * {@code .lustre/fid/<FID>} in the index is that FID, with neither a stat nor a read of its trusted.lma.
     */
    Fid fidOfExisting(String path) throws SimulatorException {
        Fid fid = fidName(path);
        if (fid != null && ns.indexedPath(fid) != null) {
            return fid;
        }
        return ns.fidOf(relative(path));
    }

    /**
     * Metadata operations reach the MDT holding the object (a new name: the MDT it is placed on), through this
     * client's MDC of that MDT; with that MDC deactivated (lctl set_param mdc.*.active=0) they fail with ESHUTDOWN,
     * as on an invalid import (ptlrpc/client.c 1407-1411). Data already open is read and written without the MDT, as
     * Lustre's go to the OSTs. The simulator keeps no client cache but the root's attributes, which the kernel forgets
     * when an MDC is deactivated ({@link RootCoherence}), and the entries of {@code .lustre/fid}, whose objects are
     * still asked for their attributes (and so checked here) at every use: on Lustre a stat the client still holds a
     * lock for may be answered from cache.
     */
    private void requireActiveMdc(String rel) throws SimulatorException {
        if (allMdcsActive()) {
            return;
        }
        int mdt;
        try {
            mdt = ns.mdtOf(ns.fidOf(rel));
        } catch (SimulatorException e) {
            mdt = ns.placement(rel); // not there (yet): the MDT a create would go to
        }
        requireActiveMdc(mdt);
    }

    private void requireActiveMdc(int mdt) throws SimulatorException {
        if (!imports.active(uuid, mdt)) {
            throw new SimulatorException(Errno.ESHUTDOWN, "client " + uuid + ": MDC of MDT" + mdt + " is inactive");
        }
    }

    private boolean allMdcsActive() {
        for (int mdt = 0; mdt < ns.mdtCount(); mdt++) {
            if (!imports.active(uuid, mdt)) {
                return false;
            }
        }
        return true;
    }

    /** A restore's volatile file, reached as .lustre/fid/<its FID>. */
    record VolatileTarget(Fid fid, Path path) {
    }

    /**
     * The volatile file {@code path} names, if it is {@code .lustre/fid/<FID>} of one. On Lustre the volatile file
     * is an orphan the copytool holds open; libhsmsim opens it here by FID (liblustreapi_hsm.c
     * create_restore_volatile opens it in the file's directory and unlinks the name at once), so that what the
     * copytool does through its descriptor reaches this client as it would reach llite.
     */
    Optional<VolatileTarget> volatileTarget(String path) {
        Fid fid = fidName(path);
        return fid == null ? Optional.empty() : volatileOf(fid);
    }

    /**
     * A volatile file's FID is never in the namespace's index (it is a file of its own until the layout swap moves
     * its data under the original's FID), so an indexed FID is not one: no stat for the common case.
     */
    private Optional<VolatileTarget> volatileOf(Fid fid) {
        if (ns.indexedPath(fid) != null) {
            return Optional.empty();
        }
        return ns.volatileFile(fid).map(p -> new VolatileTarget(fid, p));
    }

    /** The FID a path names as {@code .lustre/fid/<FID>} (nothing after it), or null. */
    private static Fid fidName(String path) {
        if (!path.startsWith(FID_DIR + "/") || path.indexOf('/', FID_DIR.length() + 1) >= 0) {
            return null;
        }
        try {
            return Fid.parse(path.substring(FID_DIR.length() + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    String relative(String path) throws SimulatorException {
        if (path.startsWith(FID_DIR + "/")) {
            String rest = path.substring(FID_DIR.length() + 1);
            int slash = rest.indexOf('/');
            String fidText = slash < 0 ? rest : rest.substring(0, slash);
            Fid fid;
            try {
                fid = Fid.parse(fidText);
            } catch (IllegalArgumentException e) {
                throw new SimulatorException(Errno.ENOENT, "bad FID");
            }
            String base = ns.pathOf(fid);
            String tail = slash < 0 ? "" : rest.substring(slash + 1);
            String rel = tail.isEmpty() ? base : base.isEmpty() ? tail : base + "/" + tail;
            requireActiveMdc(rel);
            return rel;
        }
        if (path.startsWith(DOT_LUSTRE + "/") || path.equals(DOT_LUSTRE)) {
            // only .lustre, .lustre/fid and .lustre/fid/<FID> exist; nothing can be created there
            throw new SimulatorException(Errno.ENOENT, path + " does not exist");
        }
        String rel = path.equals("/") ? "" : path.substring(1);
        requireActiveMdc(rel);
        return rel;
    }

    static boolean isVirtualDirectory(String path) {
        return path.equals(DOT_LUSTRE) || path.equals(FID_DIR);
    }
}

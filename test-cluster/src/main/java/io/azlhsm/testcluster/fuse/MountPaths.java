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
     * The backing path of a path on the mount (resolving .lustre/fid/<FID>, a restore's volatile file included);
     * throws ENOENT.
     */
    Path backing(String path) throws SimulatorException {
        Optional<VolatileTarget> v = volatileTarget(path);
        if (v.isPresent()) {
            if (!allMdcsActive()) {
                requireActiveMdc(ns.mdtOf(v.get().fid())); // a restore's volatile file, on the MDT of its FID
            }
            return v.get().path();
        }
        return ns.backingPath(relative(path));
    }

    /**
     * Metadata operations reach the MDT holding the object (a new name: the MDT it is placed on), through this
     * client's MDC of that MDT; with that MDC deactivated (lctl set_param mdc.*.active=0) they fail with ESHUTDOWN,
     * as on an invalid import (ptlrpc/client.c 1407-1411). Data already open is read and written without the MDT, as
     * Lustre's go to the OSTs. The simulator keeps no client cache but the root's attributes, which the kernel forgets
     * when an MDC is deactivated ({@link RootCoherence}): on Lustre a stat the client still holds a lock for may be
     * answered from cache.
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
        if (!path.startsWith(FID_DIR + "/") || path.indexOf('/', FID_DIR.length() + 1) >= 0) {
            return Optional.empty();
        }
        Fid fid;
        try {
            fid = Fid.parse(path.substring(FID_DIR.length() + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ns.exists(fid)) {
            return Optional.empty();
        }
        return ns.volatileFile(fid).map(p -> new VolatileTarget(fid, p));
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

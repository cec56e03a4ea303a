package io.azlhsm.testcluster.namespace;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * The data-layout operations of HSM on backing files: release (drop the data, keep the size), import (a released stub
 * for data that exists only in the archive), and restore's volatile file and layout swap.
 *
 * <p>A released file keeps its size as a hole in the backing file, so it stats at full size; the client mount reports
 * one block for it, as Lustre does.
 */
public final class HsmFileOperations {
    /** The random part of a volatile file's name (liblustreapi uses random()). */
    private static final java.util.Random VOLATILE_NAMES = new java.util.Random();

    private final Namespace ns;

    public HsmFileOperations(Namespace ns) {
        this.ns = ns;
    }

    /** lfs hsm_release: the client-side checks of ll_hsm_release, then the data goes. */
    public synchronized void release(Fid fid) throws SimulatorException {
        Path p = ns.backingPathOf(fid);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new SimulatorException(Errno.EINVAL, "not a regular file");
        }
        HsmAttributes a = ns.hsm(fid);
        if (a.has(HsmFlags.RELEASED)) {
            return; // releasing a released file succeeds
        }
        if (!a.has(HsmFlags.ARCHIVED) || a.has(HsmFlags.DIRTY) || a.has(HsmFlags.NORELEASE) || a.has(HsmFlags.LOST)) {
            throw new SimulatorException(Errno.EPERM, "file not releasable: flags " + a.flags());
        }
        if (ns.hasWriters(fid)) {
            throw new SimulatorException(Errno.EBUSY, "file open for write");
        }
        if (ns.dataVersion(fid) != a.archiveVersion()) {
            throw new SimulatorException(Errno.EPERM, "data version differs from the archived one");
        }
        try {
            punchWhole(p, Files.size(p));
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
        ns.setHsm(fid, a.withFlags(a.flags() | HsmFlags.RELEASED));
    }

    /**
     * The LL_IOC_HSM_IMPORT ioctl on a file llapi_hsm_import has just created through the client mount (which is where
     * Lustre's rules for an existing path, a symlink or a directory apply): the new, empty file becomes a released,
     * archived stub with the given attributes, data version 0. EEXIST for a file that is not new (it has data or an
     * HSM state: it has a layout, which Lustre's setstripe refuses to replace).
     */
    public synchronized void importFile(Fid fid, long archiveId, long size, int mode, int uid, int gid,
                                        long atimeNanos, long mtimeNanos) throws SimulatorException {
        Path p = ns.backingPathOf(fid);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new SimulatorException(Errno.ENOTTY, "not a regular file: " + ns.pathOf(fid));
        }
        try {
            if (Files.size(p) != 0 || ns.hsm(fid).flags() != 0) {
                throw new SimulatorException(Errno.EEXIST, ns.pathOf(fid));
            }
            punchWhole(p, size);
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
        Namespace.writeDataVersion(p, 0);
        ns.setHsm(fid, new HsmAttributes(HsmFlags.EXISTS | HsmFlags.ARCHIVED | HsmFlags.RELEASED, archiveId, 0));
        setOwnerModeTimes(p, uid, gid, mode & 0777, atimeNanos, mtimeNanos);
    }

    /**
     * Drops all data of p and leaves a hole of the given size: it stats at that size with no data blocks. Times stay
     * as they were: releasing is not a modification.
     */
    private static void punchWhole(Path p, long size) throws IOException {
        FileTime atime = (FileTime) Files.getAttribute(p, "basic:lastAccessTime", LinkOption.NOFOLLOW_LINKS);
        FileTime mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(size);
        }
        Files.setAttribute(p, "basic:lastAccessTime", atime, LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(p, mtime);
    }

    /**
     * Restore's target: an empty file owned by the original's uid/gid, mode 0600, with a FID of its own, created
     * on MDT {@code mdtIndex} (llapi_hsm_action_begin's restore_mdt_index), or with -1 where the original's
     * directory places a new name: liblustreapi creates it in that directory under a random volatile name
     * (liblustreapi_hsm.c create_restore_volatile), and LMV honours an index for a volatile file but otherwise
     * places it by name as any other (lmv_obd.c lmv_locate_tgt): in a striped directory, on any stripe's MDT.
     * ENODEV for an MDT the file system does not have. With delayLayout (O_LOV_DELAY_CREATE) it has no layout until
     * the copytool sets one through the mount, else the file system's default layout.
     */
    public VolatileFile createVolatile(Fid original, int mdtIndex, boolean delayLayout) throws SimulatorException {
        Path orig = ns.backingPathOf(original);
        if (mdtIndex >= ns.mdtCount()) {
            throw new SimulatorException(Errno.ENODEV, "no MDT " + mdtIndex);
        }
        int mdt = mdtIndex >= 0 ? mdtIndex : ns.placement(parentOf(ns.pathOf(original)),
                String.format(".\f\u0013\u0014\u0012:VOLATILE::%04X", VOLATILE_NAMES.nextInt(0x10000)));
        Fid dfid = ns.newFid(mdt);
        Path p = ns.volatileDirectory().resolve(dfid.toString());
        try {
            Files.createFile(p);
            Files.setAttribute(p, "unix:mode", 0600, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:uid", Files.getAttribute(orig, "unix:uid", LinkOption.NOFOLLOW_LINKS));
            Files.setAttribute(p, "unix:gid", Files.getAttribute(orig, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            Xattrs.set(p, Namespace.LMA, dfid.toLma());
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
        if (delayLayout) {
            FileLayouts.setNone(p);
        } else {
            FileLayouts.set(p, FileLayout.DEFAULT);
        }
        return new VolatileFile(dfid, p);
    }

    /**
     * The layout swap at a successful restore end: the volatile file's data becomes the file's, with the original's
     * identity, owner, mode and times; RELEASED and DIRTY are cleared and the data version is the archived one.
     * ENOENT when the volatile file is gone (then the file stays released).
     */
    public synchronized void swapIn(Fid fid, VolatileFile v) throws SimulatorException {
        Path orig = ns.backingPathOf(fid);
        if (!Files.exists(v.path(), LinkOption.NOFOLLOW_LINKS)) {
            throw new SimulatorException(Errno.ENOENT, "volatile file gone");
        }
        if (ns.mdtOf(v.fid()) != ns.mdtOf(fid)) {
            // the coordinator of the file's MDT looks the volatile FID up locally and finds nothing there
            // (mdt_coordinator.c hsm_swap_layouts: "Copytool has closed volatile file", -ENOENT)
            throw new SimulatorException(Errno.ENOENT, "volatile file " + v.fid() + " is on MDT"
                    + ns.mdtOf(v.fid()) + ", not on MDT" + ns.mdtOf(fid) + " of " + fid);
        }
        HsmAttributes a = ns.hsm(fid);
        try {
            Xattrs.set(v.path(), Namespace.LMA, fid.toLma());
            Xattrs.set(v.path(), Namespace.HSM,
                    a.withFlags(a.flags() & ~(HsmFlags.RELEASED | HsmFlags.DIRTY)).encode());
            Namespace.writeDataVersion(v.path(), a.archiveVersion());
            int mode = (Integer) Files.getAttribute(orig, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            int uid = (Integer) Files.getAttribute(orig, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int gid = (Integer) Files.getAttribute(orig, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            FileTime atime = (FileTime) Files.getAttribute(orig, "basic:lastAccessTime", LinkOption.NOFOLLOW_LINKS);
            FileTime mtime = Files.getLastModifiedTime(orig, LinkOption.NOFOLLOW_LINKS);
            setOwnerModeTimes(v.path(), uid, gid, mode, atime.to(TimeUnit.NANOSECONDS), mtime.to(TimeUnit.NANOSECONDS));
            copyClientXattrs(orig, v.path());
            Files.move(v.path(), orig, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
    }

    /**
     * A layout swap exchanges data, not the inode: on Lustre the MDT object keeps its extended attributes. Here the
     * volatile file replaces the backing file, so the original's client attributes (user.*, and trusted.* other than
     * the identity, HSM state and data version set above: the copytool's archive record is one) move over with the
     * data.
     */
    private static void copyClientXattrs(Path from, Path to) throws IOException {
        for (String name : Xattrs.list(from)) {
            boolean setAbove = name.equals(Namespace.LMA) || name.equals(Namespace.HSM)
                    || name.startsWith("trusted.hsmsim.");
            if (!setAbove && (name.startsWith("user.") || name.startsWith("trusted."))) {
                byte[] value = Xattrs.get(from, name);
                if (value != null) {
                    Xattrs.set(to, name, value);
                }
            }
        }
    }

    public void discard(VolatileFile v) {
        try {
            Files.deleteIfExists(v.path());
        } catch (IOException ignored) {
            // a leftover volatile file only costs space; the next start does not look at it
        }
    }

    private static void setOwnerModeTimes(Path p, int uid, int gid, int mode, long atimeNanos, long mtimeNanos)
            throws SimulatorException {
        try {
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "basic:lastAccessTime", FileTime.from(atimeNanos, TimeUnit.NANOSECONDS));
            Files.setLastModifiedTime(p, FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS));
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
    }

    private static String parentOf(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    /** A restore's target file in the backing store and its FID (the hai_dfid the copytool sees). */
    public record VolatileFile(Fid fid, Path path) {
    }
}

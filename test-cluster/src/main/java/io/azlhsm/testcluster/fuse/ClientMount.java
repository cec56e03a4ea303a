package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.coordinator.BlockedIo;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One Lustre client mount of the simulated file system, over FUSE. It passes operations to the backing tree and adds
 * what a Lustre client shows: FIDs ({@code trusted.lma}, {@code .lustre/fid/<FID>}), data versions bumped by writes
 * and truncates, the DIRTY flag on close after a modification, released files stat'ing at full size with one block,
 * extended attributes as llite allows them ({@link XattrNamespace}, {@link MountOptions}).
 *
 * <p>This class is the FUSE file system: it mounts and unmounts, answers the attribute operations (getattr, chmod,
 * chown, utimens), directory listings, readlink and statfs itself, and hands the rest to one class per concern, each
 * without state shared with the others beyond the namespace: {@link MountPaths} (where a path leads, MDC activity),
 * {@link FileOperations} (open files and their data, with {@link RestoreOnAccess} for implicit restores and
 * {@link DirtyTracking} for data versions and DIRTY), {@link NamespaceOperations} (names) and {@link XattrOperations}.
 * The caller's uid, gid and interruption come from the FUSE request context, read here.
 *
 * <p>Mounted with fstype {@code fuse.lustre} and a source naming the coordinator socket, which is how libhsmsim finds
 * the cluster from a path.
 */
public final class ClientMount extends FuseStubFS {
    /** llapi_get_data_version's ioctl (lustre_user.h: _IOR('f', 218, struct ioc_data_version)). */
    static final int LL_IOC_DATA_VERSION = 0x801066da;

    private final Namespace ns;
    private final ClientChangelog records;
    private final MountPaths paths;
    private final XattrOperations xattrs;
    private final NamespaceOperations names;
    private final FileOperations files;
    private final SimulatedCapacity capacity;
    private final String uuid;
    private final FuseRequestCounts requests = new FuseRequestCounts();
    private final Runnable rootCheck;
    private volatile FuseSessionLoop loop;
    /** The mount point with symlinks resolved, as /proc names the files under it (read before mounting). */
    private volatile Path realMountPoint;

    /**
     * @param rootCheck run before the reply to each request that may change something ({@link RootCoherence}): the
     *                  kernel keeps the root's attributes, so whatever can change them must be followed by it
     */
    ClientMount(Namespace ns, Changelogs changelog, ImplicitRestore restorer, LastUnlink lastUnlink,
                MdcImports imports, String uuid, MountOptions options, Runnable rootCheck) {
        this.rootCheck = rootCheck;
        this.ns = ns;
        this.paths = new MountPaths(ns, imports, uuid);
        this.records = new ClientChangelog(ns, changelog);
        this.xattrs = new XattrOperations(ns, paths, records, options);
        this.names = new NamespaceOperations(ns, paths, records, lastUnlink);
        this.files = new FileOperations(ns, paths, records, new RestoreOnAccess(restorer, this::caller),
                new DirtyTracking(ns), new LastDescriptor(() -> realMountPoint));
        this.capacity = new SimulatedCapacity(ns);
        this.uuid = uuid;
    }

    public String uuid() {
        return uuid;
    }

    /** Mounts at mountPoint; source names the socket and fsname (hsmsim@SOCKET:/FSNAME). */
    public void mountAt(Path mountPoint, String source) {
        if (!mounted.compareAndSet(false, true)) {
            throw new IllegalStateException(mountPoint + ": this client is mounted already");
        }
        this.mountPoint = mountPoint;
        try {
            realMountPoint = mountPoint.toRealPath();
        } catch (java.io.IOException e) {
            realMountPoint = mountPoint.toAbsolutePath().normalize(); // mounting will say what is wrong with it
        }
        // as jnr-fuse's mount, but served by Java threads (FuseSessionLoop) rather than fuse_main_real's native ones;
        // -f: libfuse must not daemonize the JVM
        String[] args = {getFSName(), "-f", mountPoint.toAbsolutePath().toString(), "-o",
                "fsname=" + source + ",subtype=lustre,allow_other,default_permissions,big_writes,use_ino,"
                        + "attr_timeout=0,entry_timeout=0,negative_timeout=0"};
        try {
            loop = FuseSessionLoop.mount(fuseOperations, mountPoint, args, requests, new ConstantDirectories(),
                    rootCheck);
        } catch (RuntimeException e) {
            mounted.set(false);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::umount, "umount-" + mountPoint.getFileName()));
    }

    /** Makes the kernel of this mount forget the root's attributes (it asks for them again at its next use). */
    void invalidateRoot() {
        FuseSessionLoop l = loop;
        if (l != null) {
            l.invalidateRoot();
        }
    }

    /** The FUSE requests this mount served, by opcode name. */
    public java.util.Map<String, Long> requestCounts() {
        return requests.snapshot();
    }

    @Override
    protected String getFSName() {
        return "hsmsim";
    }

    // ------------------------------------------------------------------ attributes

    @Override
    public int getattr(String path, FileStat stat) {
        if (MountPaths.isVirtualDirectory(path)) {
            stat.st_mode.set(FileStat.S_IFDIR | 0755);
            stat.st_nlink.set(2);
            return 0;
        }
        try {
            return fillStat(paths.backing(path), stat);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    private int fillStat(Path p, FileStat stat) {
        try {
            BackingStat.Attributes a = BackingStat.lstat(p);
            stat.st_mode.set(a.mode());
            stat.st_ino.set(a.ino());
            stat.st_nlink.set(a.nlink());
            stat.st_uid.set(a.uid());
            stat.st_gid.set(a.gid());
            stat.st_rdev.set(a.rdev());
            stat.st_size.set(a.size());
            stat.st_blksize.set(4096);
            boolean released = a.isRegularFile() && Namespace.readHsm(p).has(HsmFlags.RELEASED);
            stat.st_blocks.set(released ? 1 : (a.size() + 511) / 512); // Lustre reports one block for a released file
            setTime(stat.st_atim, a.atimeNanos());
            setTime(stat.st_mtim, a.mtimeNanos());
            setTime(stat.st_ctim, a.ctimeNanos());
            return 0;
        } catch (BackingStat.StatException e) {
            return -e.errno();
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    private static void setTime(Timespec ts, long nanos) {
        ts.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
        ts.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public int chmod(String path, long mode) {
        try {
            Files.setAttribute(paths.backing(path), "unix:mode", (int) (mode & 07777), LinkOption.NOFOLLOW_LINKS);
            dataRecord(ChangelogRecord.CL_SETATTR, path);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int chown(String path, long uid, long gid) {
        try {
            Path p = paths.backing(path);
            if (uid != 0xffffffffL && uid != -1) {
                Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
            }
            if (gid != 0xffffffffL && gid != -1) {
                Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
            }
            dataRecord(ChangelogRecord.CL_SETATTR, path);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        final long utimeNow = (1L << 30) - 1;
        final long utimeOmit = (1L << 30) - 2;
        try {
            Path p = paths.backing(path);
            String[] names = {"basic:lastAccessTime", "basic:lastModifiedTime"};
            for (int i = 0; i < 2; i++) {
                long nsec = timespec[i].tv_nsec.longValue();
                if (nsec == utimeOmit) {
                    continue;
                }
                FileTime t = nsec == utimeNow ? FileTime.fromMillis(System.currentTimeMillis())
                        : FileTime.from(timespec[i].tv_sec.get() * 1_000_000_000L + nsec, TimeUnit.NANOSECONDS);
                Files.setAttribute(p, names[i], t, LinkOption.NOFOLLOW_LINKS);
            }
            if (timespec[1].tv_nsec.longValue() != utimeOmit) {
                // Lustre keeps one record per setattr, of the lowest type among TRUNC, SATTR, MTIME, CTIME, ATIME;
                // times alone give MTIME, or ATIME (not in the default changelog mask) when mtime is left alone
                dataRecord(ChangelogRecord.CL_MTIME, path);
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int truncate(String path, long size) {
        return files.truncate(path, size);
    }

    /** A data or attribute record about the file at path on the mount. */
    private void dataRecord(int type, String path) throws SimulatorException {
        records.data(type, 0, paths.fidOfExisting(path));
    }

    /** The process behind the FUSE request this thread serves, as an implicit restore's waiter. */
    private BlockedIo caller() {
        return new BlockedIo((int) getContext().uid.get(), (int) getContext().gid.get(),
                FuseInterrupts::currentRequestInterrupted);
    }

    // ------------------------------------------------------------------ directories and names (NamespaceOperations)

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        if (path.equals(MountPaths.DOT_LUSTRE)) {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            filter.apply(buf, "fid", null, 0);
            return 0;
        }
        if (path.equals(MountPaths.FID_DIR)) {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            return 0; // Lustre's .lustre/fid cannot be listed either
        }
        try {
            Path dir = paths.backing(path);
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            try (var entries = Files.newDirectoryStream(dir)) {
                for (Path e : entries) {
                    String entry = e.getFileName().toString();
                    if (!entry.startsWith(NamespaceOperations.FUSE_HIDDEN_PREFIX)) {
                        filter.apply(buf, entry, null, 0);
                    }
                }
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int mkdir(String path, long mode) {
        return names.mkdir(path, mode, (int) getContext().uid.get(), (int) getContext().gid.get());
    }

    @Override
    public int rmdir(String path) {
        return names.remove(path);
    }

    @Override
    public int unlink(String path) {
        return names.remove(path);
    }

    @Override
    public int rename(String oldpath, String newpath) {
        return names.rename(oldpath, newpath);
    }

    @Override
    public int symlink(String oldpath, String newpath) {
        return names.symlink(oldpath, newpath, (int) getContext().uid.get(), (int) getContext().gid.get());
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        try {
            byte[] target = Files.readSymbolicLink(paths.backing(path)).toString().getBytes();
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int link(String oldpath, String newpath) {
        return names.link(oldpath, newpath);
    }

    // ------------------------------------------------------------------ files (FileOperations)

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        return files.create(path, mode, fi, (int) getContext().uid.get(), (int) getContext().gid.get(),
                (int) getContext().pid.get());
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        return files.open(path, fi, (int) getContext().pid.get());
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return files.read(path, buf, size, offset, fi);
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return files.write(path, buf, size, offset, fi);
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        return files.ftruncate(path, size, fi);
    }

    @Override
    public int fallocate(String path, int mode, long offset, long length, FuseFileInfo fi) {
        return files.fallocate(path, mode, offset, length, fi);
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return files.fsync(path, isdatasync, fi);
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return files.flush(path, fi, (int) getContext().pid.get());
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return files.release(path, fi);
    }

    /**
     * The one Lustre ioctl the simulated client answers on a file; any other is not this file system's (ENOTTY, as
     * llite answers an unknown one). Lustre's other ioctls go to the daemon through libhsmsim instead.
     */
    @Override
    public int ioctl(String path, int cmd, Pointer arg, FuseFileInfo fi, long flags, Pointer data) {
        if (cmd == LL_IOC_DATA_VERSION && data != null) {
            return files.dataVersion(fi, data);
        }
        return -Errno.ENOTTY;
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        try {
            stbuf.f_bsize.set(4096);
            stbuf.f_frsize.set(4096);
            stbuf.f_namemax.set(255);
            Optional<Long> configured = capacity.configured();
            if (configured.isPresent()) {
                // the configured size of the simulated OSTs, and what the files' data occupies of it
                long blocks = configured.get() / SimulatedCapacity.BLOCK;
                long free = Math.max(0, blocks - capacity.used() / SimulatedCapacity.BLOCK);
                stbuf.f_blocks.set(blocks);
                stbuf.f_bfree.set(free);
                stbuf.f_bavail.set(free);
                return 0;
            }
            FileStore store = Files.getFileStore(ns.backingRoot());
            stbuf.f_blocks.set(store.getTotalSpace() / 4096);
            stbuf.f_bfree.set(store.getUnallocatedSpace() / 4096);
            stbuf.f_bavail.set(store.getUsableSpace() / 4096);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        }
    }

    // ------------------------------------------------------------------ xattrs (XattrOperations)

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        return xattrs.get(path, name, value, size);
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        return xattrs.list(path, list, size, getContext().uid.get() == 0);
    }

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return xattrs.set(path, name, value, size, flags);
    }

    @Override
    public int removexattr(String path, String name) {
        return xattrs.remove(path, name);
    }
}

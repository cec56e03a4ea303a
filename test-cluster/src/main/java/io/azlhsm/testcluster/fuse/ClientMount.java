package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.coordinator.BlockedIo;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.FileLayouts;
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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Lustre client mount of the simulated file system, over FUSE. It passes operations to the backing tree and adds
 * what a Lustre client shows: FIDs ({@code trusted.lma}, {@code .lustre/fid/<FID>}), data versions bumped by writes
 * and truncates, the DIRTY flag on close after a modification, released files stat'ing at full size with one block,
 * extended attributes as llite allows them ({@link XattrNamespace}, {@link MountOptions}).
 *
 * <p>Mounted with fstype {@code fuse.lustre} and a source naming the coordinator socket, which is how libhsmsim finds
 * the cluster from a path.
 */
public final class ClientMount extends FuseStubFS {
    private final Namespace ns;
    private final ClientChangelog records;
    private final RestoreOnAccess restores;
    private final DirtyTracking dirty;
    private final MountPaths paths;
    private final XattrOperations xattrs;
    private final NamespaceOperations names;
    private final String uuid;
    private final Map<Long, OpenFile> openFiles = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    public ClientMount(Namespace ns, Changelogs changelog, ImplicitRestore restorer, LastUnlink lastUnlink,
                       MdcImports imports, String uuid, MountOptions options) {
        this.ns = ns;
        this.restores = new RestoreOnAccess(restorer, this::caller);
        this.dirty = new DirtyTracking(ns);
        this.paths = new MountPaths(ns, imports, uuid);
        this.records = new ClientChangelog(ns, changelog);
        this.xattrs = new XattrOperations(ns, paths, records, options);
        this.names = new NamespaceOperations(ns, paths, records, lastUnlink);
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
        // as jnr-fuse's mount, but served by Java threads (FuseSessionLoop) rather than fuse_main_real's native ones;
        // -f: libfuse must not daemonize the JVM
        String[] args = {getFSName(), "-f", mountPoint.toAbsolutePath().toString(), "-o",
                "fsname=" + source + ",subtype=lustre,allow_other,default_permissions,big_writes,use_ino,"
                        + "attr_timeout=0,entry_timeout=0,negative_timeout=0"};
        try {
            FuseSessionLoop.mount(fuseOperations, mountPoint, args);
        } catch (RuntimeException e) {
            mounted.set(false);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::umount, "umount-" + mountPoint.getFileName()));
    }

    @Override
    protected String getFSName() {
        return "hsmsim";
    }

    // ------------------------------------------------------------------ path resolution

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

    private static final String STAT_ATTRIBUTES =
            "unix:mode,ino,nlink,uid,gid,rdev,size,lastAccessTime,lastModifiedTime,ctime";

    private int fillStat(Path p, FileStat stat) {
        try {
            // Named attributes, not "unix:*": that one also resolves owner and group names (getpwuid/getgrgid), two
            // thirds of a getattr's cost, for names a stat never carries.
            Map<String, Object> a = Files.readAttributes(p, STAT_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            long size = (Long) a.get("size");
            stat.st_mode.set(mode);
            stat.st_ino.set((Long) a.get("ino"));
            stat.st_nlink.set((Integer) a.get("nlink"));
            stat.st_uid.set((Integer) a.get("uid"));
            stat.st_gid.set((Integer) a.get("gid"));
            stat.st_rdev.set((Long) a.get("rdev"));
            stat.st_size.set(size);
            stat.st_blksize.set(4096);
            boolean released = (mode & FileStat.S_IFMT) == FileStat.S_IFREG
                    && Namespace.readHsm(p).has(HsmFlags.RELEASED);
            stat.st_blocks.set(released ? 1 : (size + 511) / 512); // Lustre reports one block for a released file
            setTime(stat.st_atim, (FileTime) a.get("lastAccessTime"));
            setTime(stat.st_mtim, (FileTime) a.get("lastModifiedTime"));
            setTime(stat.st_ctim, (FileTime) a.get("ctime"));
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    private static void setTime(Timespec ts, FileTime t) {
        long nanos = t.to(TimeUnit.NANOSECONDS);
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
        Optional<MountPaths.VolatileTarget> v = paths.volatileTarget(path);
        if (v.isPresent()) {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(v.get().path().toFile(), "rw")) {
                f.setLength(size); // a setattr: allowed without a layout (lov_io.c lov_io_init_empty, CIT_SETATTR)
                return 0;
            } catch (IOException e) {
                return -IoErrno.of(e);
            }
        }
        try {
            Path p = paths.backing(path);
            Fid fid = ns.fidOf(paths.relative(path));
            restores.beforeTruncate(p, fid);
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(size);
            }
            dirty.dataModified(p, fid, true);
            records.data(ChangelogRecord.CL_TRUNC, 0, fid);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /** A data or attribute record about the file at path on the mount. */
    private void dataRecord(int type, String path) throws SimulatorException {
        records.data(type, 0, ns.fidOf(paths.relative(path)));
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

    // ------------------------------------------------------------------ files

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        try {
            String rel = paths.relative(path);
            Path p = ns.backingPath(rel);
            Files.createFile(p);
            Files.setAttribute(p, "unix:mode", (int) (mode & 07777), LinkOption.NOFOLLOW_LINKS);
            NamespaceOperations.ownBy(p, (int) getContext().uid.get(), (int) getContext().gid.get());
            Fid fid = ns.onCreated(rel);
            records.named(ChangelogRecord.CL_CREATE, fid, rel);
            return openHandle(p, fid, fi, true, true);
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        Optional<MountPaths.VolatileTarget> v = paths.volatileTarget(path);
        if (v.isPresent()) {
            return openVolatile(v.get(), fi);
        }
        try {
            String rel = paths.relative(path);
            Path p = ns.backingPath(rel);
            Fid fid = ns.fidOf(rel);
            int accmode = fi.flags.get() & 3;
            boolean writable = accmode != 0;
            if ((fi.flags.get() & 01000) != 0) { // O_TRUNC
                restores.beforeTruncate(p, fid);
                // the VFS truncates on O_TRUNC whatever the size: a data modification even of an empty file
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(0);
                }
                dirty.dataModified(p, fid, true);
                records.data(ChangelogRecord.CL_TRUNC, 0, fid);
            }
            return openHandle(p, fid, fi, writable, false);
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    private int openVolatile(MountPaths.VolatileTarget v, FuseFileInfo fi) {
        boolean writable = (fi.flags.get() & 3) != 0;
        try {
            FileChannel ch = writable ? FileChannel.open(v.path(), StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(v.path(), StandardOpenOption.READ);
            long handle = nextHandle.getAndIncrement();
            openFiles.put(handle, new OpenFile(ch, v.fid(), v.path(), writable, 0, false, true));
            fi.fh.set(handle);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        }
    }

    private int openHandle(Path p, Fid fid, FuseFileInfo fi, boolean writable, boolean created)
            throws IOException {
        FileChannel ch = writable ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(p, StandardOpenOption.READ);
        long handle = nextHandle.getAndIncrement();
        boolean released;
        try {
            released = RestoreOnAccess.isReleased(p);
        } catch (SimulatorException e) {
            ch.close();
            throw new IOException(e.getMessage());
        }
        int accmode = fi.flags.get() & 3; // O_RDONLY 0, O_WRONLY 1, O_RDWR 2
        int closeFlags = (accmode != 1 ? ChangelogRecord.CLOSE_FMODE_READ : 0)
                | (accmode != 0 ? ChangelogRecord.CLOSE_FMODE_WRITE : 0)
                | (created ? ChangelogRecord.CLOSE_CREATED : 0);
        // open alone never restores
        OpenFile f = new OpenFile(ch, fid, p, writable, closeFlags, released);
        if (!writable && !released && (fi.flags.get() & NoAtimeReader.O_NOATIME) != 0) {
            try {
                f.noAtime = NoAtimeReader.open(p);
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        }
        openFiles.put(handle, f);
        if (writable) {
            ns.writerOpened(fid);
        }
        fi.fh.set(handle);
        return 0;
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        OpenFile f = openFiles.get(fi.fh.get());
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            restores.beforeIo(f); // a read of a released file blocks on its restore
            NoAtimeReader noAtime = f.noAtime;
            if (noAtime != null) {
                byte[] data = noAtime.read(offset, (int) size);
                buf.put(0, data, 0, data.length);
                return data.length;
            }
            ByteBuffer bb = ByteBuffer.allocate((int) size);
            int total = 0;
            while (bb.hasRemaining()) {
                int n = f.channel.read(bb, offset + total);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            buf.put(0, bb.array(), 0, total);
            return total;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        OpenFile f = openFiles.get(fi.fh.get());
        if (f == null || !f.writable) {
            return -Errno.EBADF;
        }
        try {
            if (f.volatileData && !f.hasLayout) {
                if (FileLayouts.of(f.backing).isEmpty()) {
                    // opened with O_LOV_DELAY_CREATE and no layout set: Lustre has no object to write to
                    // (lov_io.c lov_io_init_empty: CIT_WRITE gives -EBADF)
                    return -Errno.EBADF;
                }
                f.hasLayout = true;
            }
            restores.beforeIo(f);
            byte[] data = new byte[(int) size];
            buf.get(0, data, 0, (int) size);
            ByteBuffer bb = ByteBuffer.wrap(data);
            long pos = offset;
            while (bb.hasRemaining()) {
                pos += f.channel.write(bb, pos);
            }
            if (f.volatileData) {
                return (int) size;
            }
            f.modified = true;
            dirty.dataModified(f.backing, f.fid, false);
            return (int) size;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        OpenFile f = openFiles.get(fi.fh.get());
        if (f != null) {
            try {
                restores.beforeIo(f);
            } catch (IOException e) {
                return -IoErrno.of(e);
            } catch (SimulatorException e) {
                return -e.errno();
            }
        }
        return truncate(path, size);
    }

    /**
     * fallocate: restores a released file first, as Lustre does for fallocate and punch. Plain allocation (mode 0,
     * which may grow the file) and hole punching (PUNCH_HOLE | KEEP_SIZE, zeros on the backing file) are a data
     * modification; other modes are not supported.
     */
    @Override
    public int fallocate(String path, int mode, long offset, long length, FuseFileInfo fi) {
        final int keepSize = 0x1;
        final int punchHole = 0x2;
        OpenFile f = openFiles.get(fi.fh.get());
        if (f == null || !f.writable) {
            return -Errno.EBADF;
        }
        if (mode != 0 && mode != (punchHole | keepSize) && mode != keepSize) {
            return -Errno.EOPNOTSUPP;
        }
        try {
            restores.beforeIo(f);
            long size = f.channel.size();
            if ((mode & punchHole) != 0) {
                long end = Math.min(size, offset + length);
                ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                for (long pos = offset; pos < end; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), end - pos));
                    pos += f.channel.write(zeros, pos);
                }
            } else if ((mode & keepSize) == 0 && offset + length > size) {
                try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.backing.toFile(), "rw")) {
                    raf.setLength(offset + length);
                }
            } else {
                return 0; // allocating within the file changes no data
            }
            if (!f.volatileData) {
                f.modified = true;
                dirty.dataModified(f.backing, f.fid, false);
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        OpenFile f = openFiles.get(fi.fh.get());
        try {
            if (f != null) {
                f.channel.force(isdatasync == 0);
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        }
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        OpenFile f = openFiles.remove(fi.fh.get());
        if (f == null) {
            return 0;
        }
        try {
            f.channel.close();
            if (f.noAtime != null) {
                f.noAtime.close();
            }
            if (f.volatileData) {
                return 0;
            }
            if (f.writable) {
                ns.writerClosed(f.fid);
            }
            if (f.modified && ns.exists(f.fid)) {
                dirty.markDirty(f.fid); // Lustre marks a modified file dirty on close
            }
            if (f.writable) {
                // the close of a write open updates the MDT: the new mtime (MTIME) after writes, then CLOSE
                if (f.modified) {
                    records.data(ChangelogRecord.CL_MTIME, 0, f.fid);
                }
                records.data(ChangelogRecord.CL_CLOSE, f.closeFlags, f.fid);
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        try {
            FileStore store = Files.getFileStore(ns.backingRoot());
            stbuf.f_bsize.set(4096);
            stbuf.f_frsize.set(4096);
            stbuf.f_blocks.set(store.getTotalSpace() / 4096);
            stbuf.f_bfree.set(store.getUnallocatedSpace() / 4096);
            stbuf.f_bavail.set(store.getUsableSpace() / 4096);
            stbuf.f_namemax.set(255);
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

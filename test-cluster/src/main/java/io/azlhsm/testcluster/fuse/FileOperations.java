package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.FileLayouts;
import io.azlhsm.testcluster.namespace.Namespace;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client mount's operations on file data and open files: create and open (O_TRUNC included), read, write,
 * truncate and ftruncate, fallocate, fsync, flush, release. It keeps the open files by FUSE file handle (a concurrent
 * map: FUSE calls come on several threads; each {@link OpenFile} guards its own restore). Data changes go through
 * {@link DirtyTracking}, released data through {@link RestoreOnAccess}. The close of a write open (the new mtime and
 * MTIME after writes, the DIRTY flag, CLOSE) is done at the FLUSH of its last descriptor, inside the caller's close(2)
 * as on Lustre ({@link LastDescriptor}), or else at RELEASE. A restore's volatile file, opened by FID, is an orphan:
 * its writes record nothing, and without a layout it takes no write.
 */
final class FileOperations {
    private final Namespace ns;
    private final MountPaths paths;
    private final ClientChangelog records;
    private final RestoreOnAccess restores;
    private final DirtyTracking dirty;
    private final LastDescriptor lastDescriptor;
    private final Map<Long, OpenFile> openFiles = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    FileOperations(Namespace ns, MountPaths paths, ClientChangelog records, RestoreOnAccess restores,
                   DirtyTracking dirty, LastDescriptor lastDescriptor) {
        this.lastDescriptor = lastDescriptor;
        this.ns = ns;
        this.paths = paths;
        this.records = records;
        this.restores = restores;
        this.dirty = dirty;
    }

    /** truncate by path (also ftruncate's second half): a released file is restored first. */
    int truncate(String path, long size) {
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
            Fid fid = paths.fidOfExisting(path);
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

    /** create by the caller uid/gid: the file is theirs, and open for writing. */
    int create(String path, long mode, FuseFileInfo fi, int uid, int gid, int callerTid) {
        try {
            String rel = paths.relative(path);
            Path p = ns.backingPath(rel);
            Files.createFile(p);
            Files.setAttribute(p, "unix:mode", (int) (mode & 07777), LinkOption.NOFOLLOW_LINKS);
            NamespaceOperations.ownBy(p, uid, gid);
            Fid fid = ns.onCreated(rel);
            records.named(ChangelogRecord.CL_CREATE, fid, rel);
            return openHandle(p, fid, fi, true, true, callerTid);
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    int open(String path, FuseFileInfo fi, int callerTid) {
        Optional<MountPaths.VolatileTarget> v = paths.volatileTarget(path);
        if (v.isPresent()) {
            return openVolatile(v.get(), fi);
        }
        try {
            // an open follows a lookup: the file exists (fidOf fails with ENOENT if it went meanwhile)
            String rel = paths.relativeOfExisting(path);
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
            return openHandle(p, fid, fi, writable, false, callerTid);
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

    private int openHandle(Path p, Fid fid, FuseFileInfo fi, boolean writable, boolean created, int openerTid)
            throws IOException, SimulatorException {
        // Whether the file is released, asked both before and after its backing file is opened: a restore's layout
        // swap replaces the backing file, so a flag read only after the open could be the restored file's while the
        // channel is on the released one (the handle would then read its hole as data), and a flag read only before
        // could miss a release that came between. Released either time: its first I/O restores and reopens.
        boolean releasedBefore = RestoreOnAccess.isReleased(p);
        FileChannel ch = writable ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(p, StandardOpenOption.READ);
        long handle = nextHandle.getAndIncrement();
        boolean released;
        try {
            released = releasedBefore || RestoreOnAccess.isReleased(p);
        } catch (SimulatorException e) {
            ch.close();
            throw e;
        }
        int accmode = fi.flags.get() & 3; // O_RDONLY 0, O_WRONLY 1, O_RDWR 2
        int closeFlags = (accmode != 1 ? ChangelogRecord.CLOSE_FMODE_READ : 0)
                | (accmode != 0 ? ChangelogRecord.CLOSE_FMODE_WRITE : 0)
                | (created ? ChangelogRecord.CLOSE_CREATED : 0);
        // open alone never restores
        OpenFile f = new OpenFile(ch, fid, p, writable, closeFlags, released);
        f.openerTid = openerTid;
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

    int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
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

    int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
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
            modifiedThrough(f);
            return (int) size;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    int ftruncate(String path, long size, FuseFileInfo fi) {
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
     * LL_IOC_DATA_VERSION on an open file (llite file.c ll_file_ioctl, ll_ioc_data_version), llapi_get_data_version's
     * one call: the file's data version by its FID, so a rename since the open does not matter. {@code out} is the
     * 16-byte {@code struct ioc_data_version} the kernel copies back whole, so every field is written: no layout
     * version (UINT_MAX, as llite answers for a file without mirrors) and no flags (an _IOR ioctl brings none in).
     */
    int dataVersion(FuseFileInfo fi, Pointer out) {
        OpenFile f = openFiles.get(fi.fh.get());
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            // a restore's volatile file is in no FID index: its own (never bumped) version, as an orphan has
            long dv = f.volatileData ? Namespace.readDataVersion(f.backing) : ns.dataVersion(f.fid);
            out.putLong(0, dv);
            out.putInt(8, -1);
            out.putInt(12, 0);
            return 0;
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /**
     * fallocate: restores a released file first, as Lustre does for fallocate and punch. Plain allocation (mode 0,
     * which may grow the file) and hole punching (PUNCH_HOLE | KEEP_SIZE, zeros on the backing file) are a data
     * modification; other modes are not supported.
     */
    int fallocate(String path, int mode, long offset, long length, FuseFileInfo fi) {
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
                modifiedThrough(f);
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    int fsync(String path, int isdatasync, FuseFileInfo fi) {
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

    /**
     * A data change through an open file. After its close was done at a flush, another descriptor of the same open
     * went on writing (a dup the flush could not see): the open counts as a writer again, and is closed again.
     */
    private void modifiedThrough(OpenFile f) throws SimulatorException {
        synchronized (f) {
            if (f.closeDone) {
                f.closeDone = false;
                ns.writerOpened(f.fid);
            }
            f.modified = true;
        }
        dirty.dataModified(f.backing, f.fid, false);
    }

    /** flush: sent, and waited for, at every close(2); the last descriptor's closes a write open as Lustre's does. */
    int flush(String path, FuseFileInfo fi, int callerTid) {
        OpenFile f = openFiles.get(fi.fh.get());
        if (f == null || !f.writable || f.volatileData || f.closeDone
                || !lastDescriptor.isLast(callerTid, f.openerTid, path)) {
            return 0;
        }
        try {
            closeWriteOpen(f);
            return 0;
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /** release: the kernel's last reference went, and it did not wait for this reply. */
    int release(String path, FuseFileInfo fi) {
        OpenFile f = openFiles.remove(fi.fh.get());
        if (f == null) {
            return 0;
        }
        try {
            f.channel.close();
            if (f.noAtime != null) {
                f.noAtime.close();
            }
            if (f.writable && !f.volatileData) {
                closeWriteOpen(f); // unless a flush did: one shared with another process, or never flushed (mmap)
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /**
     * What the MDT does at the close of a write open (mdt_mfd_close): the open no longer blocks a release, a modified
     * file is marked DIRTY, and the records: the new mtime (MTIME) after writes, then CLOSE. Once per open, or again
     * after writes through it since.
     */
    private void closeWriteOpen(OpenFile f) throws SimulatorException {
        synchronized (f) {
            if (f.closeDone) {
                return;
            }
            f.closeDone = true;
            ns.writerClosed(f.fid);
            boolean modified = f.modified;
            f.modified = false;
            if (modified && ns.exists(f.fid)) {
                dirty.markDirty(f.fid); // Lustre marks a modified file dirty on close
            }
            if (modified) {
                records.data(ChangelogRecord.CL_MTIME, 0, f.fid);
            }
            records.data(ChangelogRecord.CL_CLOSE, f.closeFlags, f.fid);
        }
    }
}

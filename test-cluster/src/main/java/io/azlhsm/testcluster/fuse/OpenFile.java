package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.coordinator.BlockedIo;
import io.azlhsm.testcluster.namespace.Fid;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * A file opened through a client mount: its backing file and channel, what its close records, and whether its data
 * is still to be restored. {@link FileOperations} keeps these by FUSE file handle. The mutable fields are volatile
 * (FUSE serves a handle's requests on several threads); moving the handle to restored data ({@link #ensureData}) holds
 * this object's lock.
 */
final class OpenFile {
    final Fid fid;
    final Path backing;
    final boolean writable;
    /** The flags of this open's CL_CLOSE record. */
    final int closeFlags;
    volatile FileChannel channel;
    /** Opened while released: the restore swaps in a new backing file, which this handle must reopen. */
    volatile boolean openedReleased;
    /** Written to since this open was last closed (or opened). */
    volatile boolean modified;
    /** The thread that opened it: a flush from its process may be the close of the last descriptor. */
    volatile int openerTid;
    /**
     * This write open's close was done (at the flush of its last descriptor, or at release), under this object's
     * lock; a later write through another descriptor of it unsets it.
     */
    volatile boolean closeDone;
    /**
     * Set when this open file's implicit restore failed: later I/O through it fails the same way at once. The
     * kernel retries a failed page read by itself, and each retry must not become a new restore: Lustre fails
     * the one I/O that waited.
     */
    volatile SimulatorException failedRestore;
    /**
     * A restore's volatile file, opened by libhsmsim through .lustre/fid: an orphan on Lustre, so its writes
     * make no changelog record, no data version and no DIRTY flag (the layout swap sets those of the file).
     */
    final boolean volatileData;
    /** A volatile file's layout was seen: writes may go on (set once, never unset). */
    volatile boolean hasLayout;
    /** Reads of an open with O_NOATIME (an archive's source): they must not change the access time. */
    volatile NoAtimeReader noAtime;

    OpenFile(FileChannel channel, Fid fid, Path backing, boolean writable, int closeFlags,
             boolean openedReleased) {
        this(channel, fid, backing, writable, closeFlags, openedReleased, false);
    }

    OpenFile(FileChannel channel, Fid fid, Path backing, boolean writable, int closeFlags,
             boolean openedReleased, boolean volatileData) {
        this.volatileData = volatileData;
        this.channel = channel;
        this.fid = fid;
        this.backing = backing;
        this.writable = writable;
        this.closeFlags = closeFlags;
        this.openedReleased = openedReleased;
    }

    /** Restores the file if it is released (blocking), then moves this handle to the restored data. */
    synchronized void ensureData(ImplicitRestore restorer, Supplier<BlockedIo> caller)
            throws SimulatorException, IOException {
        if (!openedReleased) {
            return;
        }
        if (failedRestore != null) {
            throw failedRestore;
        }
        if (RestoreOnAccess.isReleased(backing)) {
            try {
                restorer.restoreAndWait(fid, caller.get());
            } catch (SimulatorException e) {
                if (e.errno() == Errno.EIO) {
                    failedRestore = e;
                }
                throw e;
            }
        }
        FileChannel old = channel;
        channel = writable ? FileChannel.open(backing, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(backing, StandardOpenOption.READ);
        old.close();
        openedReleased = false;
    }
}

package io.azlhsm.copytool.lustre;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * This process registered as the HSM copytool of one Lustre client mount ({@code llapi_hsm_copytool_register}).
 * Receives action lists; {@link #close()} unregisters.
 *
 * <p>Receiving is single-threaded by nature (the library reuses one buffer); the lists returned are copies and
 * may be handed to other threads. {@link #close()} frees the library's state, so it must not run while another
 * thread is inside {@link #receive()}: stop the receiver first (in non-blocking mode it returns promptly from
 * poll on {@link #fd()}).
 *
 * <p>{@code llapi_hsm_copytool_unregister} frees the state that every later {@code llapi_hsm_action_begin},
 * {@code _progress} and {@code _end} of this registration would use (liblustreapi_hsm.c: unregister frees {@code ct};
 * progress and end reach {@code hcp->ct_priv->mnt_fd}). Calls on actions therefore run {@link #whileRegistered while
 * registered}: {@link #close()} waits for a call in progress, and a call that comes after it is not made at all.
 */
public final class CopytoolRegistration implements AutoCloseable {
    /** O_NONBLOCK on Linux, for rfd_flags. */
    private static final int O_NONBLOCK = 04000;

    private final LustreLibrary library;
    private final Path mount;
    private final PointerByReference handle;
    /** Read: a call that uses the library's state of this registration; write: unregistering. */
    private final ReadWriteLock use = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /**
     * A descriptor of the mount's root, opened by the first restore and kept until unregistering, as liblustreapi's
     * {@code ct->mnt_fd} and lhsmtool_posix's {@code o_mnt_fd}: each restore asks its file's MDT through it instead of
     * opening and closing the root (an OPENDIR and a RELEASEDIR on the client each time). The registration keeps the
     * mount busy anyway. Opened on first use rather than at registration so that an agent that never restores holds
     * nothing more, and a registration made through a stand-in library needs no real mount. -1 while not open.
     */
    private int rootFd = -1; // guarded by rootLock
    private final Object rootLock = new Object();
    private final LustreTargets targets;

    private CopytoolRegistration(LustreLibrary library, Path mount, PointerByReference handle) {
        this.library = library;
        this.mount = mount;
        this.handle = handle;
        this.targets = new LustreTargets(library);
    }

    /**
     * Registers as the copytool of {@code mount} for the given archive ids (an empty array or one containing 0
     * means every archive).
     *
     * @param nonBlocking open the receive pipe O_NONBLOCK: {@link #receiveIfReady()} then returns empty instead
     *                    of waiting, and the caller polls {@link #fd()}
     */
    public static CopytoolRegistration register(LustreLibrary library, Path mount, int[] archiveIds,
                                                boolean nonBlocking) throws LustreException {
        PointerByReference handle = new PointerByReference();
        int[] archives = archiveIds.clone();
        int rc = library.api().llapi_hsm_copytool_register(handle, mount.toString(), archives.length, archives,
                nonBlocking ? O_NONBLOCK : 0);
        LustreException.check(rc, "llapi_hsm_copytool_register",
                mount + " archives=" + (archives.length == 0 ? "ANY" : Arrays.toString(archives)));
        return new CopytoolRegistration(library, mount, handle);
    }

    /**
     * The index of the MDT holding {@code fid} ({@code llapi_get_mdt_index_by_fid}), asked through the root
     * descriptor this registration keeps.
     *
     * @throws UnregisteredException when the registration was closed: the call was not made
     */
    public int mdtIndex(LuFid fid) throws LustreException {
        return whileRegistered("llapi_get_mdt_index_by_fid", copytool -> targets.mdtIndex(root(), mount, fid));
    }

    /** The root descriptor, opened on first use; callers hold the read lock, so {@link #close()} waits for them. */
    private int root() throws LustreException {
        synchronized (rootLock) {
            if (rootFd < 0) {
                rootFd = LustreTargets.openRoot(mount);
            }
            return rootFd;
        }
    }

    /** Waits for the next action list (blocking mode). */
    public HsmActionList receive() throws LustreException, LustreFormatException {
        PointerByReference hal = new PointerByReference();
        IntByReference msgsize = new IntByReference();
        int rc = library.api().llapi_hsm_copytool_recv(pointer(), hal, msgsize);
        LustreException.check(rc, "llapi_hsm_copytool_recv", mount.toString());
        return HsmActionList.decode(hal.getValue(), msgsize.getValue());
    }

    /** Non-blocking mode: the next list if one is waiting, empty on EAGAIN. */
    public Optional<HsmActionList> receiveIfReady() throws LustreException, LustreFormatException {
        try {
            return Optional.of(receive());
        } catch (LustreException e) {
            if (e.errno() == Errno.EAGAIN) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The receive pipe's read end, for poll(2). Owned by the library: do not close it. */
    public int fd() throws LustreException {
        return LustreException.check(library.api().llapi_hsm_copytool_get_fd(pointer()),
                "llapi_hsm_copytool_get_fd", mount.toString());
    }

    public Path mount() {
        return mount;
    }

    public LustreLibrary library() {
        return library;
    }

    /** The opaque {@code hsm_copytool_private *}, for {@link CopyAction#begin}. */
    Pointer pointer() {
        if (closed) {
            throw new IllegalStateException("copytool registration on " + mount + " is closed");
        }
        return handle.getValue();
    }

    /** A call into the library that needs this registration's state (begin, progress, end of an action). */
    @FunctionalInterface
    public interface RegisteredCall<T> {
        T call(Pointer copytool) throws LustreException;
    }

    /**
     * Runs {@code call} unless this registration is already unregistered; unregistering waits until it returns.
     *
     * @throws UnregisteredException when the registration was closed: the call was not made
     */
    public <T> T whileRegistered(String what, RegisteredCall<T> call) throws LustreException {
        use.readLock().lock();
        try {
            if (closed) {
                throw new UnregisteredException(what, mount);
            }
            return call.call(handle.getValue());
        } finally {
            use.readLock().unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Unregisters; the coordinator stops sending actions to this agent. Idempotent. Waits for an action call in
     * progress; no action call reaches the library afterwards.
     */
    @Override
    public void close() throws LustreException {
        use.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                LustreException.check(library.api().llapi_hsm_copytool_unregister(handle),
                        "llapi_hsm_copytool_unregister", mount.toString());
            } finally {
                synchronized (rootLock) {
                    if (rootFd >= 0) {
                        LustreTargets.closeRoot(rootFd);
                        rootFd = -1;
                    }
                }
            }
        } finally {
            use.writeLock().unlock();
        }
    }

    /**
     * A call on an action of a registration that was already unregistered, refused here instead of being made on
     * freed library state. The coordinator ends such an action at its active_request_timeout.
     */
    public static final class UnregisteredException extends LustreException {
        private static final long serialVersionUID = 1L;

        UnregisteredException(String call, Path mount) {
            super(call, mount + ": not called, the copytool was already unregistered from this mount (the library"
                    + " freed what the call would use)", 108 /* ESHUTDOWN */);
        }
    }
}

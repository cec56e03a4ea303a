package io.azlhsm.copytool.lustre;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
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
 */
public final class CopytoolRegistration implements AutoCloseable {
    /** O_NONBLOCK on Linux, for rfd_flags. */
    private static final int O_NONBLOCK = 04000;

    private final LustreLibrary library;
    private final Path mount;
    private final PointerByReference handle;
    private boolean closed;

    private CopytoolRegistration(LustreLibrary library, Path mount, PointerByReference handle) {
        this.library = library;
        this.mount = mount;
        this.handle = handle;
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

    /** Unregisters; the coordinator stops sending actions to this agent. Idempotent. */
    @Override
    public synchronized void close() throws LustreException {
        if (closed) {
            return;
        }
        closed = true;
        LustreException.check(library.api().llapi_hsm_copytool_unregister(handle), "llapi_hsm_copytool_unregister",
                mount.toString());
    }
}

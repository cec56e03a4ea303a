package io.azlhsm.copytool.lustre;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Waits until a descriptor is readable, with a timeout, so the copytool's receive loop can notice a stop request
 * promptly instead of sitting in a blocking {@code llapi_hsm_copytool_recv} that only the coordinator can wake.
 */
public final class FdPoller {
    private static final short POLLIN = 0x1;
    private static final int EINTR = 4;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private FdPoller() {
    }

    /**
     * @return true when {@code fd} is readable (or at end of file / in error, which the next read reports), false on
     *         timeout
     */
    public static boolean awaitReadable(int fd, int timeoutMillis) throws IOException {
        ByteBuffer pollfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()); // struct pollfd
        pollfd.putInt(0, fd).putShort(4, POLLIN).putShort(6, (short) 0);
        int rc = LIBC.poll(pollfd, 1, timeoutMillis);
        if (rc < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == EINTR) {
                return false;
            }
            throw new IOException("poll of fd " + fd + " failed: errno " + errno);
        }
        return rc > 0 && pollfd.getShort(6) != 0;
    }

    /** The libc call used here. */
    public interface LibC {
        int poll(@In @Out ByteBuffer fds, long nfds, int timeout);
    }
}

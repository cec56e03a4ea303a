package io.azlhsm.testcluster.fuse;

import jnr.ffi.LibraryLoader;

/**
 * Whether the caller of the FUSE request being served has given up on it. When a process blocked in a FUSE call gets
 * a signal (Ctrl-C, SIGKILL), the kernel sends FUSE_INTERRUPT for its request and libfuse flags the request; the
 * kernel keeps the process waiting (even a killed one) until the file system answers. Polling this flag is what
 * lets a read blocked on an implicit restore end with EINTR, as Lustre's killable layout wait does.
 *
 * <p>libfuse keeps the current request in a thread-local context, so {@link #currentRequestInterrupted} answers for
 * the request of the calling FUSE worker thread only.
 */
final class FuseInterrupts {
    /** The one libfuse call jnr-fuse does not bind. */
    public interface LibFuse {
        int fuse_interrupted();
    }

    // the same libfuse.so.2 jnr-fuse loaded: dlopen returns the already loaded library and its thread-local context
    private static final LibFuse LIBFUSE = LibraryLoader.create(LibFuse.class).load("libfuse.so.2");

    private FuseInterrupts() {
    }

    static boolean currentRequestInterrupted() {
        return LIBFUSE.fuse_interrupted() != 0;
    }
}

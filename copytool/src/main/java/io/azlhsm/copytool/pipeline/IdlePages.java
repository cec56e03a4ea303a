package io.azlhsm.copytool.pipeline;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.size_t;

/**
 * Gives the memory of direct buffers nobody is using back to the kernel, keeping the buffers.
 *
 * <p>{@code madvise(MADV_DONTNEED)} on private anonymous memory drops its pages at once; the next access to each
 * page faults in a zeroed one. So a buffer stays valid and only its contents are lost, which is why this may be
 * called only on a buffer no thread reads or writes, and none will until the call has returned: the caller's
 * ownership rule must guarantee it, this class cannot. Only the whole pages inside the buffer are dropped, never one
 * it shares with other memory (the JVM's direct buffers come from malloc, whose chunk header sits just before the
 * buffer; glibc drops free pages of its own heap the same way when it trims).
 */
final class IdlePages {
    private static final int MADV_DONTNEED = 4;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final long PAGE = pageSize();

    private IdlePages() {
    }

    /**
     * Drops the pages wholly inside {@code buffer}, which must be direct and unused (see the class comment).
     *
     * @return bytes given back (0 when the buffer holds no whole page, or the kernel refused: then nothing changed)
     */
    static long release(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("only a direct buffer's pages can be given back");
        }
        // jnr-ffi's wrap adds the buffer's position to its address: a duplicate at 0 gives the start, whatever
        // position a stage left the buffer at
        long address = Pointer.wrap(RUNTIME, buffer.duplicate().clear()).address();
        long start = (address + PAGE - 1) & -PAGE;
        long end = (address + buffer.capacity()) & -PAGE;
        if (address == 0 || end <= start) {
            return 0;
        }
        // a refusal (EINVAL on a kernel without it, say) leaves the pages as they were: memory is kept, data intact
        return LIBC.madvise(Pointer.wrap(RUNTIME, start), end - start, MADV_DONTNEED) == 0 ? end - start : 0;
    }

    private static long pageSize() {
        long size = LIBC.getpagesize();
        return size > 0 && Long.bitCount(size) == 1 ? size : 4096;
    }

    /** The libc calls used here. */
    public interface LibC {
        int madvise(Pointer address, @size_t long length, int advice);

        int getpagesize();
    }
}

package io.azlhsm.copytool.pipeline;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;

/** How much of a direct buffer is in memory now, page by page, as mincore(2) reports it. */
final class ResidentPages {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final long PAGE = LIBC.getpagesize();

    private ResidentPages() {
    }

    /** Bytes of the whole pages inside {@code buffer} that are resident. */
    static long residentBytes(ByteBuffer buffer) {
        long address = start(buffer);
        long start = (address + PAGE - 1) & -PAGE;
        long end = (address + buffer.capacity()) & -PAGE;
        if (end <= start) {
            return 0;
        }
        int pages = (int) ((end - start) / PAGE);
        byte[] vector = new byte[pages];
        if (LIBC.mincore(Pointer.wrap(RUNTIME, start), end - start, vector) != 0) {
            throw new IllegalStateException("mincore failed on a buffer of " + buffer.capacity() + " bytes");
        }
        long resident = 0;
        for (byte page : vector) {
            resident += (page & 1) * PAGE;
        }
        return resident;
    }

    /** Bytes of the whole pages inside {@code buffer}. */
    static long wholePageBytes(ByteBuffer buffer) {
        long address = start(buffer);
        return ((address + buffer.capacity()) & -PAGE) - ((address + PAGE - 1) & -PAGE);
    }

    /** The buffer's first byte (jnr-ffi's wrap adds the position). */
    private static long start(ByteBuffer buffer) {
        return Pointer.wrap(RUNTIME, buffer.duplicate().clear()).address();
    }

    /** The libc calls used here. */
    public interface LibC {
        int mincore(Pointer address, @size_t long length, @Out byte[] vector);

        int getpagesize();
    }
}

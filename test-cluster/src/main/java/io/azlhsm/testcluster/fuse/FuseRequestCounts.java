package io.azlhsm.testcluster.fuse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many requests of each FUSE opcode one client mount has served since it was mounted: what a job costs the
 * simulated client (its zero cache timeouts make the kernel ask for every path component), read with the daemon's
 * COUNTERS request ({@code cluster counters}). Counted by {@link FuseSessionLoop} from each request's header before
 * libfuse processes it: one array increment, no lock, no allocation.
 */
public final class FuseRequestCounts {
    /** Opcodes of fuse_kernel.h (protocol 7.x) up to COPY_FILE_RANGE; anything else counts as OTHER. */
    private static final String[] NAMES = new String[48];

    static {
        String[] byCode = {null, "LOOKUP", "FORGET", "GETATTR", "SETATTR", "READLINK", "SYMLINK", null, "MKNOD",
                "MKDIR", "UNLINK", "RMDIR", "RENAME", "LINK", "OPEN", "READ", "WRITE", "STATFS", "RELEASE", null,
                "FSYNC", "SETXATTR", "GETXATTR", "LISTXATTR", "REMOVEXATTR", "FLUSH", "INIT", "OPENDIR", "READDIR",
                "RELEASEDIR", "FSYNCDIR", "GETLK", "SETLK", "SETLKW", "ACCESS", "CREATE", "INTERRUPT", "BMAP",
                "DESTROY", "IOCTL", "POLL", "NOTIFY_REPLY", "BATCH_FORGET", "FALLOCATE", "READDIRPLUS", "RENAME2",
                "LSEEK", "COPY_FILE_RANGE"};
        System.arraycopy(byCode, 0, NAMES, 0, byCode.length);
    }

    private static final int OTHER = 0;
    private final AtomicLongArray counts = new AtomicLongArray(NAMES.length);

    /** One request of this opcode (an unknown one, or one whose header was not read, counts as OTHER). */
    void served(int opcode) {
        counts.incrementAndGet(opcode > 0 && opcode < NAMES.length && NAMES[opcode] != null ? opcode : OTHER);
    }

    /** The opcodes served at least once, by name, in opcode order (OTHER first). */
    public Map<String, Long> snapshot() {
        Map<String, Long> served = new LinkedHashMap<>();
        for (int op = 0; op < NAMES.length; op++) {
            long n = counts.get(op);
            if (n > 0) {
                served.put(op == OTHER ? "OTHER" : NAMES[op], n);
            }
        }
        return served;
    }
}

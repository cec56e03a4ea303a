package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * The metadata targets of a mounted file system, as the client sees them: how many MDTs there are
 * ({@code llapi_get_obd_count}) and which one holds a file ({@code llapi_get_mdt_index_by_fid}). A DNE file system
 * has several MDTs, each with its own changelog, and a restore's volatile file must be created on the file's own MDT
 * (lhsmtool_posix.c ct_restore passes that index to llapi_hsm_action_begin).
 */
public final class LustreTargets {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    /** O_RDONLY | O_CLOEXEC (the same on x86_64 and aarch64). */
    private static final int OPEN_FLAGS = 02000000;

    private final LustreLibrary library;

    public LustreTargets(LustreLibrary library) {
        this.library = library;
    }

    /** How many MDTs the client knows (indexes 0 to count - 1), 1 without DNE. */
    public int mdtCount(Path mount) throws LustreException {
        IntByReference count = new IntByReference(1);
        LustreException.check(library.api().llapi_get_obd_count(mount.toString(), count, 1), "llapi_get_obd_count",
                mount + " (MDTs)");
        int mdts = count.getValue();
        if (mdts < 1) {
            throw new LustreException("llapi_get_obd_count", mount + " (MDTs): answered " + mdts, Errno.EPROTO);
        }
        return mdts;
    }

    /** The index of the MDT holding fid, asked through a descriptor of the mount's root. */
    public int mdtIndex(Path mount, LuFid fid) throws LustreException {
        int fd = openRoot(mount);
        try {
            return mdtIndex(fd, mount, fid);
        } finally {
            closeRoot(fd);
        }
    }

    /** As {@link #mdtIndex(Path, LuFid)} through an open descriptor of the mount's root ({@link #openRoot}). */
    public int mdtIndex(int rootFd, Path mount, LuFid fid) throws LustreException {
        ByteBuffer raw = ByteBuffer.allocate(LuFid.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        fid.write(raw, 0);
        Pointer fidMemory = library.copyToNative(raw.array());
        IntByReference index = new IntByReference(-1);
        int rc = library.api().llapi_get_mdt_index_by_fid(rootFd, fidMemory, index);
        LustreLibrary.keepAlive(fidMemory);
        LustreException.check(rc, "llapi_get_mdt_index_by_fid", mount + " " + fid.bracketed());
        return index.getValue();
    }

    /** A descriptor of the mount's root (O_RDONLY | O_CLOEXEC), for {@link #mdtIndex(int, Path, LuFid)}. */
    static int openRoot(Path mount) throws LustreException {
        byte[] utf8 = mount.toString().getBytes(StandardCharsets.UTF_8);
        byte[] path = Arrays.copyOf(utf8, utf8.length + 1); // NUL-terminated, UTF-8 whatever the locale
        int fd = LIBC.open(path, OPEN_FLAGS);
        if (fd < 0) {
            throw new LustreException("open", mount.toString(), RUNTIME.getLastError());
        }
        return fd;
    }

    static void closeRoot(int fd) {
        LIBC.close(fd);
    }

    /** The libc calls that give the descriptor llapi_get_mdt_index_by_fid asks through. */
    public interface LibC {
        int open(byte[] path, int flags);

        int close(int fd);
    }
}

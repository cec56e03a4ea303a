package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;

/** Translation between paths, descriptors and FIDs ({@code llapi_path2fid}, {@code _fd2fid}, {@code _fid2path}). */
public final class LustreFids {
    /** PATH_MAX: the largest path fid2path can return. */
    private static final int PATH_MAX = 4096;

    private final LustreLibrary library;

    public LustreFids(LustreLibrary library) {
        this.library = library;
    }

    /** One name of a file, and the link number to ask for next to walk its other hard links. */
    public record FidPath(String relativePath, int nextLinkno) {
    }

    public LuFid path2fid(Path path) throws LustreException {
        Pointer fid = library.allocate(LuFid.SIZE);
        int rc = library.api().llapi_path2fid(path.toString(), fid);
        LustreException.check(rc, "llapi_path2fid", path.toString());
        return read(fid);
    }

    public LuFid fd2fid(int fd) throws LustreException {
        Pointer fid = library.allocate(LuFid.SIZE);
        LustreException.check(library.api().llapi_fd2fid(fd, fid), "llapi_fd2fid", "fd " + fd);
        return read(fid);
    }

    /**
     * The path of {@code fid} relative to {@code mount} (no leading slash, as liblustreapi returns it).
     *
     * @param linkno which hard link, 0 for the first
     */
    public FidPath fid2path(Path mount, LuFid fid, int linkno) throws LustreException {
        Pointer path = library.allocate(PATH_MAX);
        LongLongByReference recno = new LongLongByReference(-1L);
        IntByReference link = new IntByReference(linkno);
        int rc = library.api().llapi_fid2path(mount.toString(), fid.bracketed(), path, PATH_MAX, recno, link);
        LustreException.check(rc, "llapi_fid2path", mount + " " + fid.bracketed() + " linkno=" + linkno);
        try {
            return new FidPath(path.getString(0, PATH_MAX, StandardCharsets.UTF_8), link.getValue());
        } finally {
            LustreLibrary.keepAlive(path);
        }
    }

    private static LuFid read(Pointer fid) {
        return LuFid.read(ByteBuffer.wrap(LustreLibrary.copyFromNative(fid, LuFid.SIZE)), 0);
    }
}

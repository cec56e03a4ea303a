package io.azlhsm.testcluster.namespace;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a backing file keeps its {@link FileLayout}, and the client's {@code lustre.lov} attribute over it, as llite
 * handles it (lustre/llite/xattr.c).
 *
 * <p>The layout lives in the simulator's own {@value #XATTR}. A regular file without that attribute has the file
 * system's default layout ({@link FileLayout#DEFAULT}). A restore's volatile file begun with
 * {@code O_LOV_DELAY_CREATE} has the marker {@value #NO_LAYOUT}: no layout at all until one is set. A client may also
 * set the layout of a file that still has only the implicit default, is empty and was never written: on Lustre only a
 * file created with {@code O_LOV_DELAY_CREATE} (or by mknod) can still be given one, but a create through FUSE cannot
 * carry that flag, and this is how {@code lfs setstripe} gives a new file its layout here.
 */
public final class FileLayouts {
    public static final String XATTR = "trusted.hsmsim.lov";
    /** The value of {@link #XATTR} for a file that has no layout yet. */
    static final String NO_LAYOUT = "none";

    private FileLayouts() {
    }

    /** The layout of the regular file p; empty when it has none yet (a volatile file begun O_LOV_DELAY_CREATE). */
    public static Optional<FileLayout> of(Path p) throws SimulatorException {
        byte[] raw = get(p);
        if (raw == null) {
            return Optional.of(FileLayout.DEFAULT);
        }
        if (isNoLayout(raw)) {
            return Optional.empty();
        }
        return Optional.of(FileLayout.decode(raw));
    }

    /** p gets this layout for good (a volatile file created without O_LOV_DELAY_CREATE gets the default one). */
    public static void set(Path p, FileLayout layout) throws SimulatorException {
        put(p, layout.encode());
    }

    /** p has no layout until a client sets one (created with O_LOV_DELAY_CREATE). */
    public static void setNone(Path p) throws SimulatorException {
        put(p, NO_LAYOUT.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * getxattr("lustre.lov"): a regular file's layout as struct lov_user_md (stripe offset LOV_OFFSET_DEFAULT, the
     * pattern flagged released on a released file); ENODATA for a file without a layout yet and for anything else
     * (xattr.c ll_getxattr_lov, ll_sanitize_xattr; a directory's default layout is not simulated).
     */
    public static byte[] clientValue(Path p) throws SimulatorException {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new SimulatorException(Errno.ENODATA, "no layout on " + p.getFileName());
        }
        FileLayout layout = of(p).orElseThrow(() -> new SimulatorException(Errno.ENODATA,
                "no layout yet on " + p.getFileName()));
        return (Namespace.readHsm(p).has(HsmFlags.RELEASED) ? layout.released() : layout).encode();
    }

    /**
     * setxattr("lustre.lov") (xattr.c ll_setstripe_ea): on a regular file without a layout, the MDT's checks
     * ({@link FileLayout#fromUser}) and the layout is set; on a file that has one already nothing changes and the call
     * succeeds (Lustre turns the MDT's EEXIST into success, xattr.c:375-380, for cp, rsync and tar copying it). A
     * directory's default layout is not simulated: accepted, without effect.
     */
    public static void clientSet(Path p, byte[] value) throws SimulatorException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new SimulatorException(Errno.EINVAL, "not a regular file or directory: " + p.getFileName());
        }
        if (value.length == 0) {
            return; // "removal" of a file's layout: Lustre has no such thing either (ll_setstripe_ea with no lump)
        }
        FileLayout wanted = FileLayout.fromUser(value);
        if (settable(p)) {
            set(p, wanted);
        }
    }

    /** Whether p has no layout yet, or only the implicit default of a file that never held data. */
    private static boolean settable(Path p) throws SimulatorException {
        byte[] raw = get(p);
        return raw == null ? !instantiated(p) : isNoLayout(raw);
    }

    /** A file without our attribute has the default layout for good once it has held data (its data version moved). */
    private static boolean instantiated(Path p) throws SimulatorException {
        try {
            return Files.size(p) != 0 || Namespace.readDataVersion(p) != 0;
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
    }

    private static boolean isNoLayout(byte[] raw) {
        return Arrays.equals(raw, NO_LAYOUT.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] get(Path p) throws SimulatorException {
        try {
            return Xattrs.get(p, XATTR);
        } catch (Xattrs.XattrException e) {
            throw new SimulatorException(e.errno(), e.getMessage());
        }
    }

    private static void put(Path p, byte[] value) throws SimulatorException {
        try {
            Xattrs.set(p, XATTR, value);
        } catch (Xattrs.XattrException e) {
            throw new SimulatorException(e.errno(), e.getMessage());
        }
    }
}

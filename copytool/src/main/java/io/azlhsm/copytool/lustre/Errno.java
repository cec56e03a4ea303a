package io.azlhsm.copytool.lustre;

import java.util.Map;

/**
 * Symbolic names of Linux errno values (x86_64 / asm-generic numbering), for messages and for code that must react
 * to a specific failure. liblustreapi returns {@code -errno}; the names make logs readable without a lookup table.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int EPIPE = 32;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENODATA = 61;
    public static final int EPROTO = 71;
    public static final int EOVERFLOW = 75;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETIMEDOUT = 110;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ESTALE = 116;
    public static final int EDQUOT = 122;
    public static final int ECANCELED = 125;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(3, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(EIO, "EIO"), Map.entry(6, "ENXIO"), Map.entry(7, "E2BIG"),
            Map.entry(8, "ENOEXEC"), Map.entry(EBADF, "EBADF"), Map.entry(10, "ECHILD"), Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"),
            Map.entry(15, "ENOTBLK"), Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"),
            Map.entry(EXDEV, "EXDEV"), Map.entry(ENODEV, "ENODEV"), Map.entry(ENOTDIR, "ENOTDIR"),
            Map.entry(EISDIR, "EISDIR"), Map.entry(EINVAL, "EINVAL"), Map.entry(23, "ENFILE"),
            Map.entry(EMFILE, "EMFILE"), Map.entry(ENOTTY, "ENOTTY"), Map.entry(26, "ETXTBSY"),
            Map.entry(EFBIG, "EFBIG"), Map.entry(ENOSPC, "ENOSPC"), Map.entry(29, "ESPIPE"), Map.entry(EROFS, "EROFS"),
            Map.entry(31, "EMLINK"), Map.entry(EPIPE, "EPIPE"), Map.entry(33, "EDOM"), Map.entry(ERANGE, "ERANGE"),
            Map.entry(35, "EDEADLK"), Map.entry(ENAMETOOLONG, "ENAMETOOLONG"), Map.entry(37, "ENOLCK"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(ENOTEMPTY, "ENOTEMPTY"), Map.entry(ELOOP, "ELOOP"),
            Map.entry(42, "ENOMSG"), Map.entry(43, "EIDRM"), Map.entry(ENODATA, "ENODATA"), Map.entry(62, "ETIME"),
            Map.entry(67, "ENOLINK"), Map.entry(EPROTO, "EPROTO"), Map.entry(74, "EBADMSG"),
            Map.entry(EOVERFLOW, "EOVERFLOW"), Map.entry(84, "EILSEQ"), Map.entry(88, "ENOTSOCK"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(104, "ECONNRESET"), Map.entry(105, "ENOBUFS"),
            Map.entry(ENOTCONN, "ENOTCONN"), Map.entry(ESHUTDOWN, "ESHUTDOWN"), Map.entry(ETIMEDOUT, "ETIMEDOUT"),
            Map.entry(111, "ECONNREFUSED"), Map.entry(113, "EHOSTUNREACH"), Map.entry(EALREADY, "EALREADY"),
            Map.entry(EINPROGRESS, "EINPROGRESS"), Map.entry(ESTALE, "ESTALE"), Map.entry(EDQUOT, "EDQUOT"),
            Map.entry(ECANCELED, "ECANCELED"), Map.entry(126, "ENOKEY"));

    private Errno() {
    }

    /** The symbolic name of a positive errno value, or {@code "errno N"} for one this table lacks. */
    public static String name(int errno) {
        String name = NAMES.get(errno);
        return name != null ? name : "errno " + errno;
    }
}

package io.azlhsm.testcluster;

/** The Linux errno values the simulator returns; the same numbers liblustreapi callers see negated. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int ENOTTY = 25;
    public static final int EINVAL = 22;
    public static final int EROFS = 30;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int EINTR = 4;
    public static final int ENODATA = 61;
    public static final int EPROTO = 71;
    public static final int EOPNOTSUPP = 95;
    public static final int EALREADY = 114;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ECANCELED = 125;

    private Errno() {
    }
}

package io.azlhsm.copytool.archive.metadata;

import java.util.List;

/**
 * The metadata azcopy writes with {@code --preserve-posix-properties} and {@code --preserve-symlinks}, as its
 * source defines them (azure-storage-azcopy v10.32, common/unixStatAdapter.go: the POSIX*Meta constants,
 * AddStatToBlobMetadata and ReadStatFromMetadata; ste/sender-blobSymlinks.go for {@code is_symlink}).
 *
 * <p>Standard style: {@code posix_owner}, {@code posix_group}, {@code permissions} = the whole {@code st_mode} in
 * decimal (type bits included, e.g. 33184 = 0100640), {@code modtime}, {@code posix_atime}, {@code posix_ctime} and
 * {@code linux_btime} in nanoseconds since the epoch. AMLFS style: {@code owner}, {@code group}, {@code permissions}
 * as {@code %04o} of the mode's 0777 bits (set-id and sticky dropped), {@code modtime} as AMLFS writes it, the
 * nanosecond times as in the standard style. Both mark the file type with {@code hdi_isfolder}, {@code is_symlink}
 * (the body is the target), {@code is_fifo}, {@code is_socket}, {@code is_char_dev}, {@code is_block_dev}; azcopy
 * tests each type's bits with {@code mode & S_IFxxx == S_IFxxx}, so a symlink also gets {@code is_char_dev} and a
 * socket or block device also gets {@code hdi_isfolder}: the more specific marker wins here.
 */
public final class AzcopyKeys {
    public static final String OWNER = "posix_owner";
    public static final String GROUP = "posix_group";
    public static final String ATIME_NS = "posix_atime";
    public static final String CTIME_NS = "posix_ctime";
    public static final String IS_SYMLINK = "is_symlink";
    public static final String IS_FIFO = "is_fifo";
    public static final String IS_SOCKET = "is_socket";
    public static final String IS_CHAR_DEV = "is_char_dev";
    public static final String IS_BLOCK_DEV = "is_block_dev";
    /** Keys only azcopy writes: their presence beside AMLFS's keys means azcopy's AMLFS style. */
    static final List<String> AZCOPY_ONLY = List.of(ATIME_NS, CTIME_NS, IS_SYMLINK, "posix_ino", "posix_nlink",
            "posix_dev", "linux_statx_mask", "linux_btime", IS_FIFO, IS_SOCKET, IS_CHAR_DEV, IS_BLOCK_DEV);

    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 060000;
    static final int S_IFDIR = 040000;
    static final int S_IFCHR = 020000;
    static final int S_IFIFO = 010000;

    private AzcopyKeys() {
    }

    /** The special file an {@code st_mode}'s type bits name, or null for a file, directory or symlink. */
    static String specialType(int stMode) {
        return switch (stMode & S_IFMT) {
            case S_IFSOCK -> "a socket";
            case S_IFBLK -> "a block device";
            case S_IFCHR -> "a character device";
            case S_IFIFO -> "a FIFO";
            default -> null;
        };
    }

    /** True when the type bits are one of the seven file types (an st_mode, not some other number). */
    static boolean isStMode(long value) {
        if (value < 0 || value > 0177777) {
            return false;
        }
        int type = (int) value & S_IFMT;
        return type == S_IFSOCK || type == S_IFLNK || type == S_IFREG || type == S_IFBLK || type == S_IFDIR
                || type == S_IFCHR || type == S_IFIFO;
    }
}

package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The attributes {@code llapi_hsm_import} gives a new released file, and their encoding as a glibc x86_64
 * {@code struct stat} (the only form the call accepts).
 *
 * <p>The import uses st_size, st_mode (permission bits), st_uid, st_gid, st_atim and st_mtim (not ctime).
 *
 * @param mode     permission bits; the call keeps {@code mode & 0777}, the file type is set to regular here
 * @param atimeSec seconds since the epoch
 * @param mtimeSec seconds since the epoch
 */
public record ImportAttributes(long size, int mode, int uid, int gid, long atimeSec, int atimeNsec, long mtimeSec,
                               int mtimeNsec) {

    /** sizeof(struct stat) on x86_64 glibc. */
    public static final int STAT_SIZE = 144;

    // x86_64 glibc struct stat (bits/struct_stat.h), all little-endian:
    //   st_dev u64@0, st_ino u64@8, st_nlink u64@16, st_mode u32@24, st_uid u32@28, st_gid u32@32, __pad0@36,
    //   st_rdev u64@40, st_size i64@48, st_blksize i64@56, st_blocks i64@64, st_atim {tv_sec@72, tv_nsec@80},
    //   st_mtim {@88, @96}, st_ctim {@104, @112}, __glibc_reserved[3]@120..143.
    static final int ST_NLINK = 16;
    static final int ST_MODE = 24;
    static final int ST_UID = 28;
    static final int ST_GID = 32;
    static final int ST_SIZE = 48;
    static final int ST_ATIM = 72;
    static final int ST_MTIM = 88;
    static final int ST_CTIM = 104;

    private static final int S_IFREG = 0100000;

    public ImportAttributes {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (atimeNsec < 0 || atimeNsec > 999_999_999 || mtimeNsec < 0 || mtimeNsec > 999_999_999) {
            throw new IllegalArgumentException("nanoseconds must be within [0, 999999999]");
        }
    }

    /** The 144-byte struct stat; fields the import ignores are zero, st_ctim equals st_mtim, st_nlink is 1. */
    public byte[] encodeStat() {
        byte[] bytes = new byte[STAT_SIZE];
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        le.putLong(ST_NLINK, 1)
                .putInt(ST_MODE, S_IFREG | (mode & 07777))
                .putInt(ST_UID, uid)
                .putInt(ST_GID, gid)
                .putLong(ST_SIZE, size)
                .putLong(ST_ATIM, atimeSec).putLong(ST_ATIM + 8, atimeNsec)
                .putLong(ST_MTIM, mtimeSec).putLong(ST_MTIM + 8, mtimeNsec)
                .putLong(ST_CTIM, mtimeSec).putLong(ST_CTIM + 8, mtimeNsec);
        return bytes;
    }
}

package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The attributes {@code llapi_hsm_import} gives a new released file, and their encoding as the C library's
 * {@code struct stat} (the only form the call accepts), whose layout is the architecture's ({@link StatLayout}).
 *
 * <p>The import uses st_size, st_mode (permission bits), st_uid, st_gid, st_atim and st_mtim (not ctime).
 *
 * @param mode     permission bits; the call keeps {@code mode & 0777}, the file type is set to regular here
 * @param atimeSec seconds since the epoch
 * @param mtimeSec seconds since the epoch
 */
public record ImportAttributes(long size, int mode, int uid, int gid, long atimeSec, int atimeNsec, long mtimeSec,
                               int mtimeNsec) {

    private static final int S_IFREG = 0100000;

    public ImportAttributes {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (atimeNsec < 0 || atimeNsec > 999_999_999 || mtimeNsec < 0 || mtimeNsec > 999_999_999) {
            throw new IllegalArgumentException("nanoseconds must be within [0, 999999999]");
        }
    }

    /** The struct stat of this machine's architecture ({@link StatLayout#host()}). */
    public byte[] encodeStat() {
        return encodeStat(StatLayout.host());
    }

    /** The struct stat in {@code layout}; fields the import ignores are zero, st_ctim equals st_mtim, st_nlink is 1. */
    public byte[] encodeStat(StatLayout layout) {
        byte[] bytes = new byte[layout.size()];
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        layout.putNlink(le, 1);
        le.putInt(layout.modeOffset(), S_IFREG | (mode & 07777))
                .putInt(layout.uidOffset(), uid)
                .putInt(layout.gidOffset(), gid)
                .putLong(StatLayout.ST_SIZE, size)
                .putLong(StatLayout.ST_ATIM, atimeSec).putLong(StatLayout.ST_ATIM + 8, atimeNsec)
                .putLong(StatLayout.ST_MTIM, mtimeSec).putLong(StatLayout.ST_MTIM + 8, mtimeNsec)
                .putLong(StatLayout.ST_CTIM, mtimeSec).putLong(StatLayout.ST_CTIM + 8, mtimeNsec);
        return bytes;
    }
}

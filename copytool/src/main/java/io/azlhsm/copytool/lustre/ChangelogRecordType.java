package io.azlhsm.copytool.lustre;

/** {@code enum changelog_rec_type}: what a changelog record reports. */
public enum ChangelogRecordType {
    MARK(0), CREATE(1), MKDIR(2), HARDLINK(3), SOFTLINK(4), MKNOD(5), UNLINK(6), RMDIR(7), RENAME(8), EXT(9),
    OPEN(10), CLOSE(11), LAYOUT(12), TRUNC(13), SETATTR(14), SETXATTR(15), HSM(16), MTIME(17), CTIME(18),
    ATIME(19), MIGRATE(20), FLRW(21), RESYNC(22), GETXATTR(23), DN_OPEN(24),
    /** A type this copytool does not know; the record keeps its raw code. */
    UNKNOWN(-1);

    private final int code;

    ChangelogRecordType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static ChangelogRecordType fromCode(int code) {
        ChangelogRecordType[] all = values();
        // Codes are dense from 0 and listed in order, so the ordinal is the code.
        return code >= 0 && code < all.length - 1 ? all[code] : UNKNOWN;
    }
}

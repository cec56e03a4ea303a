package io.azlhsm.testcluster.changelog;

import io.azlhsm.testcluster.namespace.Fid;

/**
 * One changelog record as the MDT keeps it. The binary changelog_rec is laid out by libhsmsim from these fields.
 *
 * @param time Lustre's cr_time: seconds &lt;&lt; 30 | nanoseconds
 * @param flags the per-type flags (low 12 bits of cr_flags)
 * @param sourceFid for a rename, the renamed file (cr_sfid), else null
 * @param sourceParentFid for a rename, its old parent (cr_spfid), else null
 * @param sourceName for a rename, the old name, which Lustre appends to the new one after a NUL; else null
 */
public record ChangelogRecord(long index, int type, int flags, long time, Fid targetFid, Fid parentFid, String name,
                              Fid sourceFid, Fid sourceParentFid, String sourceName) {
    // enum changelog_rec_type
    public static final int CL_CREATE = 1;
    public static final int CL_MKDIR = 2;
    public static final int CL_HARDLINK = 3;
    public static final int CL_SOFTLINK = 4;
    public static final int CL_UNLINK = 6;
    public static final int CL_RMDIR = 7;
    public static final int CL_RENAME = 8;
    public static final int CL_CLOSE = 11;
    public static final int CL_TRUNC = 13;
    public static final int CL_SETATTR = 14;
    public static final int CL_SETXATTR = 15;
    public static final int CL_HSM = 16;
    public static final int CL_MTIME = 17;

    public static final int CLF_UNLINK_LAST = 0x1;
    public static final int CLF_UNLINK_HSM_EXISTS = 0x2;
    /** CL_RENAME over an existing file: it was its last link / it had an archive copy. */
    public static final int CLF_RENAME_LAST = 0x1;
    public static final int CLF_RENAME_LAST_EXISTS = 0x2;

    /** CL_CLOSE flags: the open mode, as Lustre's mdd_close stores it (FMODE_READ, FMODE_WRITE, O_CREAT). */
    public static final int CLOSE_FMODE_READ = 0x1;
    public static final int CLOSE_FMODE_WRITE = 0x2;
    public static final int CLOSE_CREATED = 0x40;

    // CL_HSM flags: bits 0-6 errno, 7-9 event, 10 dirty
    public static final int HE_ARCHIVE = 0;
    public static final int HE_RESTORE = 1;
    public static final int HE_CANCEL = 2;
    public static final int HE_RELEASE = 3;
    public static final int HE_REMOVE = 4;
    public static final int HE_STATE = 5;

    public static int hsmFlags(int event, int errno, boolean dirty) {
        return (Math.min(errno, 0x7f) & 0x7f) | (event << 7) | (dirty ? 1 << 10 : 0);
    }

    public static long now() {
        java.time.Instant t = java.time.Instant.now();
        return (t.getEpochSecond() << 30) | t.getNano();
    }
}

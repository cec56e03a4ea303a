package io.azlhsm.copytool.archive.metadata;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The attributes of a file that travel with its blob.
 *
 * @param type          file, directory or symlink
 * @param uid           owner (unsigned 32-bit)
 * @param gid           group (unsigned 32-bit)
 * @param mode          permission bits including setuid, setgid and sticky (0..07777), without the file type
 * @param mtime         modification time, nanosecond precision
 * @param atime         access time, or null when unknown
 * @param ctime         change time, or null when unknown
 * @param fid           the Lustre FID at archive time, e.g. "[0x200000401:0x1:0x0]", or null
 * @param dataVersion   the Lustre data version at archive time, or null
 * @param md5           the MD5 of the content (16 bytes), or null
 * @param symlinkTarget a symlink's target when it is carried in metadata, or null (then it is the blob's body)
 */
public record FileAttributes(FileType type, long uid, long gid, int mode, Instant mtime, Instant atime,
                             Instant ctime, String fid, Long dataVersion, byte[] md5, String symlinkTarget) {
    public static final long MAX_ID = 0xFFFF_FFFFL;

    public FileAttributes {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mtime, "mtime");
        if (uid < 0 || uid > MAX_ID || gid < 0 || gid > MAX_ID) {
            throw new IllegalArgumentException("uid and gid are unsigned 32-bit: " + uid + ", " + gid);
        }
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode has bits outside 07777: " + Integer.toOctalString(mode));
        }
        if (md5 != null && md5.length != 16) {
            throw new IllegalArgumentException("an MD5 has 16 bytes, not " + md5.length);
        }
        md5 = md5 == null ? null : md5.clone();
    }

    /** A regular file with the given identity and times unknown beyond mtime. */
    public static FileAttributes file(long uid, long gid, int mode, Instant mtime) {
        return new FileAttributes(FileType.FILE, uid, gid, mode, mtime, null, null, null, null, null, null);
    }

    @Override
    public byte[] md5() {
        return md5 == null ? null : md5.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileAttributes that && type == that.type && uid == that.uid && gid == that.gid
                && mode == that.mode && mtime.equals(that.mtime) && Objects.equals(atime, that.atime)
                && Objects.equals(ctime, that.ctime) && Objects.equals(fid, that.fid)
                && Objects.equals(dataVersion, that.dataVersion) && java.util.Arrays.equals(md5, that.md5)
                && Objects.equals(symlinkTarget, that.symlinkTarget);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, uid, gid, mode, mtime, atime, ctime, fid, dataVersion,
                java.util.Arrays.hashCode(md5), symlinkTarget);
    }

    @Override
    public String toString() {
        return "FileAttributes[type=" + type + ", uid=" + uid + ", gid=" + gid + ", mode=0"
                + Integer.toOctalString(mode) + ", mtime=" + mtime + ", atime=" + atime + ", ctime=" + ctime
                + ", fid=" + fid + ", dataVersion=" + dataVersion + ", md5="
                + (md5 == null ? "none" : HexFormat.of().formatHex(md5)) + ", symlinkTarget=" + symlinkTarget + "]";
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.metadata.FileAttributes;
import io.azlhsm.copytool.archive.metadata.FileType;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * A file on the Lustre mount as an action sees it: addressed by FID, so renames while the action runs do not matter.
 *
 * @param mount the client mount point
 * @param fid   the file's FID (hai_fid)
 */
public record LustreFile(Path mount, LuFid fid) {
    /** The unix attribute view's names {@link #attributes(Map, Long, byte[])} reads, and the size. */
    public static final String UNIX_ATTRIBUTES = "unix:mode,uid,gid,lastModifiedTime,lastAccessTime,ctime,size";

    /** The path that opens the file by FID without resolving its name: {@code <mnt>/.lustre/fid/[seq:oid:ver]}. */
    public Path fidPath() {
        return mount.resolve(".lustre").resolve("fid").resolve(fid.bracketed());
    }

    /** The file's current path relative to the mount (its first link), as {@code llapi_fid2path} resolves it. */
    public String relativePath(LustreFids fids) throws LustreException {
        return fids.fid2path(mount, fid, 0).relativePath();
    }

    /**
     * Owner, mode and times of the file, read by FID path. A stat never triggers a restore, so this is safe on
     * released files.
     */
    public FileAttributes attributes(Long dataVersion, byte[] md5) throws IOException {
        return attributes(Files.readAttributes(fidPath(), UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS), dataVersion,
                md5);
    }

    /**
     * The attributes {@link #attributes(Map, Long, byte[])} takes, and the size, of the file open as fd: one stat of
     * the descriptor's own inode through its /proc/self/fd link (no lookup of a name; Java has no fstat).
     */
    public static Map<String, Object> unixAttributes(int fd) throws IOException {
        return Files.readAttributes(Path.of("/proc/self/fd", Integer.toString(fd)), UNIX_ATTRIBUTES);
    }

    /** Owner, mode and times from attributes read with {@link #UNIX_ATTRIBUTES}. */
    public FileAttributes attributes(Map<String, Object> unix, Long dataVersion, byte[] md5) {
        int mode = (Integer) unix.get("mode");
        return new FileAttributes(FileType.FILE, ((Integer) unix.get("uid")) & 0xFFFF_FFFFL,
                ((Integer) unix.get("gid")) & 0xFFFF_FFFFL, mode & 07777,
                ((FileTime) unix.get("lastModifiedTime")).toInstant(), ((FileTime) unix.get("lastAccessTime")).toInstant(),
                ((FileTime) unix.get("ctime")).toInstant(), fid.bracketed(), dataVersion, md5, null);
    }

    /** The file's size as stat reports it (a released file reports its full size). */
    public long size() throws IOException {
        return Files.size(fidPath());
    }

    @Override
    public String toString() {
        return fid.bracketed();
    }
}

package io.azlhsm.testcluster.namespace;

import io.azlhsm.testcluster.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Extended attributes of backing files in any namespace (trusted.* included), which java.nio cannot reach: it only
 * offers user.*. Binds libc's l*xattr calls so symlinks are never followed.
 */
public final class Xattrs {
    /** libc's calls; return -1 and set errno on failure. */
    public interface LibC {
        long lgetxattr(String path, String name, @Out byte[] value, long size);

        int lsetxattr(String path, String name, @In byte[] value, long size, int flags);

        int lremovexattr(String path, String name);

        long llistxattr(String path, @Out byte[] list, long size);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final int MAX_VALUE = 4096;
    /**
     * The first try's buffer: every attribute the simulator reads per action (trusted.lma, trusted.hsm, the data
     * version, a layout) fits, and each call copies its buffer out of native memory; a longer value is read again
     * with {@link #MAX_VALUE}.
     */
    private static final int SMALL_VALUE = 256;
    /** XATTR_LIST_MAX: no file system lists more. */
    private static final int MAX_LIST = 65536;
    /** The first try's buffer for a listing (a few names); a longer one is read again with {@link #MAX_LIST}. */
    private static final int SMALL_LIST = 1024;

    private Xattrs() {
    }

    /** The value, or null when the attribute is absent. */
    public static byte[] get(Path file, String name) throws XattrException {
        String path = file.toString();
        byte[] buffer = new byte[SMALL_VALUE];
        long n = LIBC.lgetxattr(path, name, buffer, buffer.length);
        if (n < 0 && RUNTIME.getLastError() == Errno.ERANGE) {
            buffer = new byte[MAX_VALUE];
            n = LIBC.lgetxattr(path, name, buffer, buffer.length);
        }
        if (n < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ENODATA) {
                return null;
            }
            throw new XattrException(errno, "getxattr " + name + " " + file);
        }
        return java.util.Arrays.copyOf(buffer, (int) n);
    }

    /** XATTR_CREATE of setxattr(2): fail with EEXIST if the attribute exists. */
    public static final int XATTR_CREATE = 1;
    /** XATTR_REPLACE of setxattr(2): fail with ENODATA if the attribute does not exist. */
    public static final int XATTR_REPLACE = 2;

    public static void set(Path file, String name, byte[] value) throws XattrException {
        set(file, name, value, 0);
    }

    /** setxattr with {@code flags} (0, {@link #XATTR_CREATE} or {@link #XATTR_REPLACE}), never following a symlink. */
    public static void set(Path file, String name, byte[] value, int flags) throws XattrException {
        if (LIBC.lsetxattr(file.toString(), name, value, value.length, flags) != 0) {
            throw new XattrException(RUNTIME.getLastError(), "setxattr " + name + " " + file);
        }
    }

    public static void remove(Path file, String name) throws XattrException {
        if (LIBC.lremovexattr(file.toString(), name) != 0 && RUNTIME.getLastError() != Errno.ENODATA) {
            throw new XattrException(RUNTIME.getLastError(), "removexattr " + name + " " + file);
        }
    }

    /** removexattr(2), false when the file has no attribute of that name (ENODATA). */
    public static boolean removeIfPresent(Path file, String name) throws XattrException {
        if (LIBC.lremovexattr(file.toString(), name) == 0) {
            return true;
        }
        int errno = RUNTIME.getLastError();
        if (errno == Errno.ENODATA) {
            return false;
        }
        throw new XattrException(errno, "removexattr " + name + " " + file);
    }

    /** The names of every attribute of the file, in any namespace (as root: trusted.* included). */
    public static List<String> list(Path file) throws XattrException {
        String path = file.toString();
        byte[] buffer = new byte[SMALL_LIST];
        long n = LIBC.llistxattr(path, buffer, buffer.length);
        if (n < 0 && RUNTIME.getLastError() == Errno.ERANGE) {
            buffer = new byte[MAX_LIST];
            n = LIBC.llistxattr(path, buffer, buffer.length);
        }
        if (n < 0) {
            throw new XattrException(RUNTIME.getLastError(), "listxattr " + file);
        }
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buffer[i] == 0) {
                names.add(new String(buffer, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }

    /** An xattr call failed with errno. */
    public static final class XattrException extends java.io.IOException {
        private final int errno;

        XattrException(int errno, String what) {
            super(what + ": errno " + errno);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }
}

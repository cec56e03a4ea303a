package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.namespace.FileLayouts;
import io.azlhsm.testcluster.namespace.Namespace;
import io.azlhsm.testcluster.namespace.Xattrs;
import jnr.ffi.Pointer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A client mount's extended-attribute operations (getxattr, listxattr, setxattr, removexattr), as llite's handlers
 * answer them: see {@link XattrNamespace}. user.* needs the user_xattr mount option; other trusted.* names live on the
 * backing file (the daemon runs as root); the kernel keeps trusted.* from other users before we are asked.
 * {@code lustre.lov} is the file's layout ({@link FileLayouts}). A change makes a CL_XATTR record, except on a
 * restore's volatile file. Holds no state: safe on any FUSE thread.
 */
final class XattrOperations {
    private final Namespace ns;
    private final MountPaths paths;
    private final ClientChangelog records;
    private final MountOptions options;

    XattrOperations(Namespace ns, MountPaths paths, ClientChangelog records, MountOptions options) {
        this.ns = ns;
        this.paths = paths;
        this.records = records;
        this.options = options;
    }

    int get(String path, String name, Pointer value, long size) {
        XattrNamespace namespace = XattrNamespace.of(name);
        if (namespace == XattrNamespace.SIMULATOR) {
            return -Errno.ENODATA;
        }
        if (namespace == XattrNamespace.USER && !options.userXattr()) {
            return -Errno.EOPNOTSUPP;
        }
        if (namespace == XattrNamespace.LAYOUT) {
            try {
                return xattrReply(value, size, FileLayouts.clientValue(paths.backing(path)));
            } catch (SimulatorException e) {
                return -e.errno();
            }
        }
        try {
            byte[] v = Xattrs.get(paths.backing(path), name);
            if (v == null) {
                return -Errno.ENODATA;
            }
            return xattrReply(value, size, v);
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /** getxattr/listxattr's reply: size 0 asks for the length, a short buffer is ERANGE, else the bytes. */
    private static int xattrReply(Pointer buffer, long size, byte[] bytes) {
        if (size == 0) {
            return bytes.length;
        }
        if (size < bytes.length) {
            return -Errno.ERANGE;
        }
        buffer.put(0, bytes, 0, bytes.length);
        return bytes.length;
    }

    /**
     * The MDT's trusted.lma and trusted.hsm, other trusted.* names to root only (llite hides them from other callers:
     * a listing reaches the file system whoever asks), user.* names only with user_xattr. privileged: the caller is
     * root.
     */
    int list(String path, Pointer list, long size, boolean privileged) {
        try {
            Set<String> names = new LinkedHashSet<>();
            for (String n : Xattrs.list(paths.backing(path))) {
                XattrNamespace namespace = XattrNamespace.of(n);
                boolean shown = switch (namespace) {
                    case MDT_OWN, TRUSTED -> privileged;
                    case USER -> options.userXattr();
                    default -> false; // ACLs are read with getxattr by name; nothing else is ours to show
                };
                if (shown) {
                    names.add(n);
                }
            }
            if (hasLayout(paths.backing(path))) {
                names.add(XattrNamespace.LUSTRE_LOV); // listed for a file with a layout (xattr.c ll_listxattr)
            }
            StringBuilder sb = new StringBuilder();
            for (String n : names) {
                sb.append(n).append('\0');
            }
            return xattrReply(list, size, sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    private static boolean hasLayout(Path p) {
        try {
            return FileLayouts.clientValue(p).length > 0;
        } catch (SimulatorException e) {
            return false;
        }
    }

    int set(String path, String name, Pointer value, long size, int flags) {
        XattrNamespace namespace = XattrNamespace.of(name);
        if (namespace == XattrNamespace.LAYOUT) {
            try {
                byte[] v = new byte[(int) size];
                value.get(0, v, 0, (int) size);
                FileLayouts.clientSet(paths.backing(path), v);
                return 0;
            } catch (SimulatorException e) {
                return -e.errno();
            }
        }
        if (namespace == XattrNamespace.MDT_OWN) {
            // the MDT's own attributes: Lustre's client ignores attempts to set them (cp -a, tar --xattrs copy
            // them from another Lustre file), so such a copy succeeds and the new file keeps its own identity
            return 0;
        }
        int refused = refusedChange(namespace);
        if (refused != 0) {
            return refused;
        }
        try {
            byte[] v = new byte[(int) size];
            value.get(0, v, 0, (int) size);
            // XATTR_CREATE and XATTR_REPLACE hold as on Lustre: llite passes the flags to the MDT
            // (xattr.c ll_xattr_set_common, md_setxattr), which turns them into LU_XATTR_CREATE/_REPLACE
            // (mdt_xattr.c:645-649) for the OSD, whose setxattr answers EEXIST / ENODATA (osd_handler.c:5266-5290);
            // the backing file's setxattr answers the same. The AMLFS hydrator sets its trusted.lhsm_* with
            // XATTR_CREATE and retries an EEXIST with XATTR_REPLACE.
            Xattrs.set(paths.backing(path), name, v, flags & (Xattrs.XATTR_CREATE | Xattrs.XATTR_REPLACE));
            if (paths.volatileTarget(path).isEmpty()) {
                records.data(ChangelogRecord.CL_SETXATTR, 0, paths.fidOfExisting(path));
            }
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    int remove(String path, String name) {
        XattrNamespace namespace = XattrNamespace.of(name);
        if (namespace == XattrNamespace.LAYOUT) {
            // succeeds without effect: llite hands the removal to ll_setstripe_ea with no value, which changes nothing
            // on a regular file (xattr.c:345-347, 365); a directory's default layout is not simulated
            return 0;
        }
        int refused = namespace == XattrNamespace.MDT_OWN ? -Errno.EPERM : refusedChange(namespace);
        if (refused != 0) {
            return refused;
        }
        try {
            if (!Xattrs.removeIfPresent(paths.backing(path), name)) {
                return -Errno.ENODATA; // as removexattr(2) answers for a name the file does not have
            }
            records.data(ChangelogRecord.CL_SETXATTR, 0, paths.fidOfExisting(path));
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /** -errno when a client may not set or remove a name of this namespace, else 0. */
    private int refusedChange(XattrNamespace namespace) {
        return switch (namespace) {
            case USER -> options.userXattr() ? 0 : -Errno.EOPNOTSUPP;
            case TRUSTED, POSIX_ACL -> 0;
            default -> -Errno.EPERM;
        };
    }
}

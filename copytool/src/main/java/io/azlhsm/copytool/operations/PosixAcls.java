package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.metadata.PosixAcl;
import io.azlhsm.copytool.lustre.Errno;
import io.azlhsm.copytool.lustre.ExtendedAttributeException;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and gives the POSIX ACL of files on the Lustre mount through their xattrs ({@value PosixAcl#ACCESS_XATTR},
 * {@value PosixAcl#DEFAULT_XATTR}), as the other xattrs are read. A mount without ACLs (Lustre's {@code noacl})
 * answers EOPNOTSUPP: such a file has no ACL beyond its mode.
 */
public final class PosixAcls {
    private PosixAcls() {
    }

    /**
     * The extended ACL of the file open at fd in the x-ms-acl form, or null when its mode says it all.
     *
     * @param subject names the file in an error
     * @throws PosixAcl.InvalidAclException naming the file, when its ACL does not parse (never passed on in part)
     * @throws IOException                  when it cannot be read
     */
    public static String ofFile(int fd, String subject, int mode) throws IOException, PosixAcl.InvalidAclException {
        byte[] access = absentIfUnsupported(() -> ExtendedAttributes.get(fd, subject, PosixAcl.ACCESS_XATTR));
        return extended(access, null, mode, subject);
    }

    /** The extended ACL (access and default entries) of a directory in the x-ms-acl form, or null. */
    public static String ofDirectory(Path directory, int mode) throws IOException, PosixAcl.InvalidAclException {
        byte[] access = absentIfUnsupported(() -> ExtendedAttributes.get(directory, PosixAcl.ACCESS_XATTR));
        byte[] defaults = absentIfUnsupported(() -> ExtendedAttributes.get(directory, PosixAcl.DEFAULT_XATTR));
        return extended(access, defaults, mode, directory.toString());
    }

    private static String extended(byte[] access, byte[] defaults, int mode, String subject)
            throws PosixAcl.InvalidAclException {
        if (access == null && defaults == null) {
            return null;
        }
        try {
            PosixAcl acl = PosixAcl.fromXattrs(access, defaults, mode);
            return acl.extended() ? acl.toHns() : null;
        } catch (PosixAcl.InvalidAclException e) {
            throw new PosixAcl.InvalidAclException("the POSIX ACL of " + subject + " does not parse: "
                    + e.getMessage());
        }
    }

    /**
     * Gives a file or directory exactly the ACL of a listed object: its access ACL and, for a directory, its default
     * ACL. An ACL without extended entries is the mode (set apart from this): an extended ACL the entry has anyway
     * is removed, whether left from before or taken from its parent's default ACL when it was created (the listed
     * path need not have it). Looked at before it is removed: a Lustre client answers getxattr of an ACL from its
     * cache, while a removal is an MDT request, which most new stubs need not make.
     */
    public static void give(Path path, PosixAcl acl, boolean directory) throws IOException {
        if (acl.extendedAccess()) {
            ExtendedAttributes.set(path, PosixAcl.ACCESS_XATTR, acl.accessXattr());
        } else if (ExtendedAttributes.get(path, PosixAcl.ACCESS_XATTR).isPresent()) {
            ExtendedAttributes.remove(path, PosixAcl.ACCESS_XATTR);
        }
        if (!directory) {
            return;
        }
        byte[] defaults = acl.defaultXattr();
        if (defaults != null) {
            ExtendedAttributes.set(path, PosixAcl.DEFAULT_XATTR, defaults);
        } else if (ExtendedAttributes.get(path, PosixAcl.DEFAULT_XATTR).isPresent()) {
            ExtendedAttributes.remove(path, PosixAcl.DEFAULT_XATTR);
        }
    }

    private interface Read {
        Optional<byte[]> get() throws IOException;
    }

    private static byte[] absentIfUnsupported(Read read) throws IOException {
        try {
            return read.get().orElse(null);
        } catch (ExtendedAttributeException e) {
            if (e.errno() == Errno.EOPNOTSUPP) {
                return null;
            }
            throw e;
        }
    }
}

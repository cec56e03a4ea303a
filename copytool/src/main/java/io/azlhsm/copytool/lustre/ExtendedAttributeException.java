package io.azlhsm.copytool.lustre;

import java.io.IOException;
import java.nio.file.Path;

/** An xattr call on a file failed with errno; names the call, the attribute, the file and what the errno means here. */
public final class ExtendedAttributeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    ExtendedAttributeException(String call, Path file, String name, int errno) {
        this(call, file.toString(), name, errno);
    }

    /** @param subject the file, in words (an open descriptor has no path: "the volatile file of [FID]") */
    ExtendedAttributeException(String call, String subject, String name, int errno) {
        super(call + " " + name + " on " + subject + " failed: " + Errno.name(errno) + " (errno " + errno + ")"
                + hint(name, errno));
        this.errno = errno;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    private static String hint(String name, int errno) {
        if (errno == Errno.EPERM && name.startsWith("trusted.")) {
            return ": trusted.* attributes need CAP_SYS_ADMIN (run the copytool as root)";
        }
        if (errno == Errno.EOPNOTSUPP && name.startsWith("user.")) {
            return ": a Lustre client allows user.* attributes only when mounted with -o user_xattr";
        }
        return "";
    }
}

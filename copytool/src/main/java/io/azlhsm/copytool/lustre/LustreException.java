package io.azlhsm.copytool.lustre;

import java.io.IOException;

/**
 * A liblustreapi call returned {@code -errno}. Carries the errno, its symbolic name, the call and what it was
 * applied to (a path, a FID, a mount), so a log line says everything needed to reproduce it with {@code lfs}.
 */
public class LustreException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;
    private final String subject;

    public LustreException(String call, String subject, int errno) {
        super(call + "(" + subject + ") failed: " + Errno.name(errno) + " (errno " + errno + ")");
        this.errno = errno;
        this.call = call;
        this.subject = subject;
    }

    /**
     * Returns {@code rc} when it is not negative, otherwise throws for {@code -rc}: the convention of every llapi
     * call this binding makes.
     */
    static int check(int rc, String call, String subject) throws LustreException {
        if (rc < 0) {
            throw new LustreException(call, subject, -rc);
        }
        return rc;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }

    /** ENOENT, ECANCELED, ... */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The llapi function that failed. */
    public String call() {
        return call;
    }

    /** The path, FID or mount the call was applied to. */
    public String subject() {
        return subject;
    }
}

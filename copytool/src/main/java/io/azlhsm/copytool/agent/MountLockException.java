package io.azlhsm.copytool.agent;

import java.util.OptionalLong;

/** The agent cannot take its mount's lock: another agent holds it (its PID if known), or the runtime directory is unfit. */
public final class MountLockException extends Exception {
    private final OptionalLong holderPid;

    MountLockException(String message, OptionalLong holderPid) {
        super(message);
        this.holderPid = holderPid;
    }

    /** The process that holds the lock, when another agent does and its PID could be found. */
    public OptionalLong holderPid() {
        return holderPid;
    }
}

package io.azlhsm.copytool.jobs;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public final class JobStore {
    public static final String DIRECTORY_NAME = ".azlhsm";

    private JobStore() {
    }
}

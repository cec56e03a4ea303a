package io.azlhsm.copytool.jobs;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public enum JobKind {
    IMPORT, EXPORT, AUTO_EXPORT, PREFETCH, RELEASE
}

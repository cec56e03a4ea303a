package io.azlhsm.copytool.jobs;

import java.util.Locale;

/** The blob-integration jobs; one of them at a time per path (see {@link LockScope}). */
public enum JobKind {
    IMPORT, EXPORT, AUTO_EXPORT, AUTO_IMPORT, PREFETCH, RELEASE, CHECK, TIER, POLICY;

    /** The command name, e.g. "auto-export"; also the start of the job's id. */
    public String commandName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

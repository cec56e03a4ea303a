package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserState;

/**
 * What export does with a file, from its HSM state alone: only new content (never archived) and changed content
 * (dirty) go out. Owner, mode, xattr and name changes leave the state clean, so they are not exported (AMLFS).
 */
public enum ExportDecision {
    /** Never archived (or every archive so far failed). */
    NEW,
    /** Archived, then written or truncated. */
    CHANGED,
    /** Archived and clean, or released (released files are archived and clean). */
    UP_TO_DATE,
    /** never_archive is set: the coordinator would refuse it. */
    NEVER_ARCHIVE;

    public static ExportDecision of(HsmUserState state) {
        if (state.has(HsmStates.NOARCHIVE)) {
            return NEVER_ARCHIVE;
        }
        if (!state.has(HsmStates.ARCHIVED)) {
            return NEW;
        }
        return state.has(HsmStates.DIRTY) ? CHANGED : UP_TO_DATE;
    }

    public boolean needsExport() {
        return this == NEW || this == CHANGED;
    }
}

package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.changelog.ChangelogRecord;

import java.util.logging.Logger;

/**
 * The housekeeping of a coordinator's periodic pass (mdt_coordinator.c: a pass every loop_period sets
 * hsd_housekeeping, ~725-730): a STARTED request with no news from its agent for active_request_timeout seconds is
 * canceled (mdt_cdt_started_cb, ~324-412): its agent counts an error (:361), a CL_HSM record tells the request's own
 * event with ECANCELED (:364-391), the file's HSM flags stay as they are (a timed-out restore only drops its restore
 * handle, :393-394: the file stays released), and a finished record (succeeded, failed, canceled) leaves the action log
 * grace_delay seconds after its last change (mdt_coordinator_cb, ~460-467). The dispatch that follows is the
 * Coordinator's. Guarded by the Coordinator's lock: called holding its monitor (no lock of its own).
 */
final class Timeouts {
    /** Logged under the coordinator's name, as before this class was split out of it. */
    private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());

    private final Coordinator coordinator;
    private final Tunables tunables;
    private final ActionTable records;
    private final Agents agents;
    private final FileOutcomes outcomes;

    /** coordinator: where a timed-out request ends ({@link Coordinator#finish}) and the log is saved. */
    Timeouts(Coordinator coordinator, Tunables tunables, ActionTable records, Agents agents, FileOutcomes outcomes) {
        this.coordinator = coordinator;
        this.tunables = tunables;
        this.records = records;
        this.agents = agents;
        this.outcomes = outcomes;
    }

    /** Cancels the requests timed out, drops the records past their grace delay, saves the log if either happened. */
    void expire() {
        long now = System.currentTimeMillis();
        boolean changed = false;
        for (ActionRecord r : records.all()) {
            if (r.status == RequestStatus.STARTED
                    && now - r.lastActivityMillis > tunables.activeRequestTimeoutSeconds * 1000) {
                LOG.info("request " + r.cookie + " timed out");
                agents.countTimeout(r);
                agents.leaveStarted(r);
                coordinator.finish(r, RequestStatus.CANCELED);
                int event = timeoutEvent(r.action);
                if (event >= 0) {
                    outcomes.timeoutRecord(r.fid, event);
                }
                changed = true;
            }
        }
        int before = records.all().size();
        records.removeIf(r -> !r.status.isActive() && now - r.finishedMillis > tunables.graceDelaySeconds * 1000);
        changed |= records.all().size() != before;
        if (changed) {
            coordinator.save();
        }
    }

    /**
     * The CL_HSM event a timed-out request logs: the request's own (mdt_cdt_started_cb, mdt_coordinator.c:364-389:
     * HE_ARCHIVE, HE_RESTORE, HE_REMOVE, HE_CANCEL, each with ECANCELED), or -1 for an action with none (:385-387:
     * "Unknown record type, skip changelog").
     */
    static int timeoutEvent(int hsmaAction) {
        return switch (hsmaAction) {
            case HsmCodes.HSMA_ARCHIVE -> ChangelogRecord.HE_ARCHIVE;
            case HsmCodes.HSMA_RESTORE -> ChangelogRecord.HE_RESTORE;
            case HsmCodes.HSMA_REMOVE -> ChangelogRecord.HE_REMOVE;
            case HsmCodes.HSMA_CANCEL -> ChangelogRecord.HE_CANCEL;
            default -> -1;
        };
    }
}

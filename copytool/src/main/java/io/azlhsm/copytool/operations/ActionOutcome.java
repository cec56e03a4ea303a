package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.lustre.HsmProgressFlags;
import io.azlhsm.copytool.lustre.LustreException;

/**
 * How an action ends: the errno handed to {@code llapi_hsm_action_end} and its flags.
 *
 * <p>The coordinator's rules make these choices matter: 0 and ECANCELED both count as success, so ECANCELED is used
 * only when the coordinator itself sent a CANCEL; any other errno with {@code HP_FLAG_RETRY} puts the request back to
 * WAITING only where an administrator cleared the NRA policy, which is on by default; otherwise the request FAILS.
 *
 * @param errno positive errno, 0 for success
 * @param flags {@code HP_FLAG_*} bits
 */
public record ActionOutcome(int errno, int flags) {
    public static final int ECANCELED = 125;
    public static final int ESHUTDOWN = 108;
    public static final int EIO = 5;
    public static final int EBUSY = 16;
    public static final int EAGAIN = 11;
    public static final int ETIMEDOUT = 110;

    public static final ActionOutcome SUCCESS = new ActionOutcome(0, 0);
    /** The coordinator canceled the request. */
    public static final ActionOutcome CANCELED = new ActionOutcome(ECANCELED, 0);
    /**
     * The agent is stopping and cannot finish the action in its grace: ESHUTDOWN with HP_FLAG_RETRY. Not ECANCELED:
     * the coordinator records an action ended with ECANCELED as SUCCEED although nothing was done
     * (lustre/mdt/mdt_coordinator.c hsm_cdt_request_completed, {@code case ECANCELED}, line 1632). Any other errno
     * FAILS the request under the default NRA policy and puts it back to WAITING with RETRY where an administrator
     * cleared NRA ({@code default:}, line 1638). Either way the file keeps a true state: a failed ARCHIVE leaves the
     * file unarchived (one that was archived and clean is marked DIRTY, so it is archived again: line 1659); a failed
     * RESTORE leaves it released (the layout is swapped only on success, line 1759) and blocked readers get an error;
     * a failed REMOVE changes no flag (line 1671), and the agent deletes a blob only as the last step before success,
     * so the file stays ARCHIVED with its copy in place.
     */
    public static final ActionOutcome STOPPING = new ActionOutcome(ESHUTDOWN, HsmProgressFlags.RETRY);

    public boolean succeeded() {
        return errno == 0;
    }

    /** Maps a failure to the errno that names it, with RETRY where trying again can help. */
    public static ActionOutcome of(Throwable failure) {
        if (failure instanceof ActionFailure own) {
            return new ActionOutcome(own.errno(), own.retryable() ? HsmProgressFlags.RETRY : 0);
        }
        if (failure instanceof ArchiveException archive) {
            return new ActionOutcome(archive.errno(), archive.retryable() ? HsmProgressFlags.RETRY : 0);
        }
        if (failure instanceof LustreException lustre) {
            boolean transientError = lustre.errno() == EAGAIN || lustre.errno() == ETIMEDOUT;
            return new ActionOutcome(lustre.errno(), transientError ? HsmProgressFlags.RETRY : 0);
        }
        // Local I/O trouble (an OST hiccup, an interrupted call): worth another try, possibly on another agent.
        return new ActionOutcome(EIO, HsmProgressFlags.RETRY);
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.RequestPriority;
import io.azlhsm.copytool.lustre.CopyAction;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;
import io.azlhsm.copytool.lustre.LustreException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An action begun and not (yet) a running transfer: an ARCHIVE or RESTORE being prepared, or a REMOVE. Nothing else
 * reports its progress, so while it waits out an outage it keeps itself alive, and it hears of a cancel or a timeout
 * from the coordinator's answer to that report.
 */
final class BegunAction implements PatientAction {
    private static final Logger LOG = Logger.getLogger(BegunAction.class.getName());

    private final ActionContext context;
    private final CopyAction action;
    private final ActionStop stop;

    BegunAction(ActionContext context, CopyAction action, ActionStop stop) {
        this.context = context;
        this.action = action;
        this.stop = stop;
    }

    @Override
    public ActionStop actionStop() {
        return stop;
    }

    @Override
    public StopReason stopReason() {
        StopReason reason = stop.reason();
        if (reason == null && context.stopPhase().graceOver(action.item().action())) {
            return StopReason.AGENT_STOPPING;
        }
        return reason;
    }

    @Override
    public boolean abandoned() {
        return false;
    }

    @Override
    public void keepAlive() {
        try {
            action.progress(0, 0, 0, 0);
        } catch (LustreException e) {
            if (e.errno() == ActionOutcome.ECANCELED) {
                stop.stop(StopReason.CANCELED_BY_COORDINATOR);
            } else if (e.errno() == 2 /* ENOENT: the coordinator timed the request out */) {
                stop.stop(StopReason.TIMED_OUT);
            } else {
                LOG.log(Level.WARNING, describe() + ": progress report failed: " + e.getMessage());
            }
        } catch (IllegalStateException endedMeanwhile) {
            // ended elsewhere: nothing to keep alive
        }
    }

    @Override
    public RequestPriority requestPriority() {
        return action.item().action() == HsmCopytoolAction.RESTORE ? RequestPriority.RESTORE : RequestPriority.OTHER;
    }

    @Override
    public String describe() {
        return action.item().action() + " " + action.item().fid().bracketed() + " cookie 0x"
                + Long.toHexString(action.item().cookie());
    }
}

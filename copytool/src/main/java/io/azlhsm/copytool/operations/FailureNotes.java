package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.FdChannel;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Leaves or clears a file's {@link FailureNote} as an ARCHIVE or RESTORE ends, before {@code llapi_hsm_action_end}:
 * a job polling the file sees the action ended only once the note is there. Best effort: a note that cannot be
 * written (the file was deleted meanwhile) costs the job's log line its cause, nothing else.
 */
final class FailureNotes {
    private static final Logger LOG = Logger.getLogger(FailureNotes.class.getName());

    private FailureNotes() {
    }

    /**
     * @param reason the agent's cause of a failed outcome (ignored for a success)
     */
    static void actionEnding(LustreFile file, HsmCopytoolAction action, ActionOutcome outcome, String reason) {
        actionEnding(file, null, null, action, outcome, reason);
    }

    /**
     * As {@link #actionEnding(LustreFile, HsmCopytoolAction, ActionOutcome, String)}, through a descriptor the action
     * holds open on the file itself (an archive's source) when {@code open} is not null, else through the file held
     * by {@code held} (a restore's) when that is not null: no lookup of the file's {@code .lustre/fid} name, which
     * costs the MDS a request per file.
     */
    static void actionEnding(LustreFile file, FdChannel open, HeldFile held, HsmCopytoolAction action,
                             ActionOutcome outcome, String reason) {
        if (action != HsmCopytoolAction.ARCHIVE && action != HsmCopytoolAction.RESTORE) {
            return; // a REMOVE's file is usually gone; a CANCEL has no file state of its own
        }
        try {
            if (outcome.succeeded()) {
                if (open != null) {
                    FailureNote.clear(open.fd(), open.description());
                } else if (held != null) {
                    FailureNote.clear(held);
                } else {
                    FailureNote.clear(file.fidPath());
                }
            } else if (outcome.errno() != ActionOutcome.ECANCELED) {
                // ECANCELED: a cancel or the coordinator's timeout, which the coordinator records as SUCCEED
                FailureNote note = FailureNote.of(action.name(), outcome.errno(), reason);
                if (open != null) {
                    note.write(open.fd(), open.description());
                } else if (held != null) {
                    note.write(held);
                } else {
                    note.write(file.fidPath());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, action + " " + file + ": cannot " + (outcome.succeeded() ? "clear" : "leave")
                    + " the failure note " + FailureNote.XATTR + ": " + e.getMessage());
        }
    }
}

package io.azlhsm.copytool.jobs.requests;

import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserAction;
import io.azlhsm.copytool.lustre.HsmUserState;
import java.util.Optional;

/** The coordinator requests the jobs issue, and how a file's HSM state tells whether one succeeded. */
public enum RequestKind {
    /** Export: done when the file is archived and clean (a write since makes it dirty: that export failed). */
    ARCHIVE(HsmUserAction.ARCHIVE) {
        @Override
        public Optional<String> failure(HsmUserState state) {
            if (!state.has(HsmStates.ARCHIVED)) {
                return Optional.of("not archived after its ARCHIVE request ended (the copytool failed it, or the"
                        + " file changed while it was copied): hsm state " + state.lfsDescription());
            }
            if (state.has(HsmStates.DIRTY)) {
                return Optional.of("changed during the export (dirty): hsm state " + state.lfsDescription());
            }
            return Optional.empty();
        }
    },
    /** Prefetch: done when the file's data is back (no longer released). */
    RESTORE(HsmUserAction.RESTORE) {
        @Override
        public Optional<String> failure(HsmUserState state) {
            if (state.has(HsmStates.RELEASED)) {
                return Optional.of("still released after its RESTORE request ended: hsm state "
                        + state.lfsDescription());
            }
            return Optional.empty();
        }
    };

    private final HsmUserAction action;

    RequestKind(HsmUserAction action) {
        this.action = action;
    }

    public HsmUserAction action() {
        return action;
    }

    /** Why the request did not achieve its purpose, judged from the file's state once no action is pending. */
    public abstract Optional<String> failure(HsmUserState state);
}

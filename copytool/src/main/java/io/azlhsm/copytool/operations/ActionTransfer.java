package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.RequestPriority;
import io.azlhsm.copytool.lustre.CopyAction;
import io.azlhsm.copytool.lustre.CopytoolRegistration;
import io.azlhsm.copytool.lustre.FdChannel;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.pipeline.ChunkLayout;
import io.azlhsm.copytool.pipeline.Transfer;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What archive and restore transfers share: the begun {@link CopyAction}, progress reports, the reason a transfer was
 * stopped, and ending the action exactly once with an outcome that is logged with everything an administrator needs
 * (action, path, FID, blob, cause).
 */
public abstract class ActionTransfer extends Transfer implements PatientAction {
    private static final Logger LOG = Logger.getLogger(ActionTransfer.class.getName());

    protected final ActionContext context;
    protected final CopyAction action;
    protected final LustreFile file;
    private volatile String path; // null until first needed when the action moves data by FID only (restore)
    protected final String blob;
    private final ActionStop stop;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile long startNanos = System.nanoTime();
    private final Runnable onEnded;

    protected ActionTransfer(ChunkLayout layout, Priority priority, ActionContext context, CopyAction action,
                             LustreFile file, String path, String blob, ActionStop stop, Runnable onEnded) {
        super(layout, priority);
        this.stop = stop;
        this.context = context;
        this.action = action;
        this.file = file;
        this.path = path;
        this.blob = blob;
        this.onEnded = onEnded;
        stop.whenStopped(this::cancel); // at once if a cancel came while the transfer was being prepared
    }

    /** What runs once the action has ended, for a transfer that carries the same action on. */
    protected final Runnable onEnded() {
        return onEnded;
    }

    /** When the action began: a transfer carrying on an earlier one's action reports the whole action's latency. */
    protected final long startNanos() {
        return startNanos;
    }

    protected final void startedAt(long nanos) {
        startNanos = nanos;
    }

    public final long cookie() {
        return action.item().cookie();
    }

    /** The action item this transfer carries out. */
    public final HsmActionItem item() {
        return action.item();
    }

    /** ARCHIVE or RESTORE. */
    public final HsmCopytoolAction kind() {
        return action.item().action();
    }

    /**
     * Stops the transfer: its calls to the archive in flight are interrupted, chunks not yet moved skip their I/O, and
     * the action ends as the reason dictates.
     */
    public final void stop(StopReason reason) {
        stop.stop(reason);
        cancel(); // when an earlier reason stopped it already (that reason decides the outcome)
    }

    @Override
    public final ActionStop actionStop() {
        return stop;
    }

    @Override
    public final StopReason stopReason() {
        return stop.reason();
    }

    /** Another chunk failed or the transfer was stopped: a chunk waiting out an outage need wait no longer. */
    @Override
    public final boolean abandoned() {
        return isAborted();
    }

    /** A restore transfer's requests go first; the ring already orders its chunks by the same priority. */
    @Override
    public final RequestPriority requestPriority() {
        return priority() == Priority.RESTORE ? RequestPriority.RESTORE : RequestPriority.OTHER;
    }

    /** The progress reporter keeps running transfers alive (a heartbeat when nothing landed), waiting or not. */
    @Override
    public final void keepAlive() {
    }

    /** Makes a call to the archive, waiting out an outage with the agent's {@link OutagePatience}. */
    protected final <T> T patiently(String doing, OutagePatience.ArchiveCall<T> call) throws Exception {
        return context.patience().call(this, doing, call);
    }

    /**
     * Reports the ranges that landed since the last call, or a zero-length heartbeat when nothing landed for
     * {@code heartbeatNanos}, so the coordinator's active_request_timeout never fires on a slow but live transfer.
     * A cancel or timeout answered by the coordinator stops the transfer.
     */
    public final void reportProgress(long heartbeatNanos) {
        if (action.isEnded()) {
            return;
        }
        List<long[]> landed = drainLandedExtents();
        long now = System.nanoTime();
        try {
            if (!landed.isEmpty()) {
                for (long[] extent : landed) {
                    action.progress(extent[0], extent[1], layout().size(), 0);
                }
                lastProgressNanos = now;
            } else if (now - lastProgressNanos >= heartbeatNanos) {
                action.progress(0, 0, layout().size(), 0);
                lastProgressNanos = now;
            }
        } catch (LustreException e) {
            if (e.errno() == ActionOutcome.ECANCELED) {
                stop(StopReason.CANCELED_BY_COORDINATOR);
            } else if (e.errno() == 2 /* ENOENT: the coordinator timed the request out */) {
                stop(StopReason.TIMED_OUT);
            } else {
                LOG.log(Level.WARNING, describe() + ": progress report failed: " + e.getMessage());
            }
        } catch (IllegalStateException endedMeanwhile) {
            // the action ended between the check and the report: nothing left to report
        }
    }

    /** The outcome for a transfer that did not complete: stop reason first, then the failure. */
    protected final ActionOutcome abortOutcome() {
        StopReason reason = stop.reason();
        if (reason != null) {
            return reason.outcome();
        }
        return ActionOutcome.of(failure());
    }

    /**
     * A descriptor this transfer holds open on the file itself (not on a restore's volatile file) while it ends, for
     * the failure note; null when it holds none.
     */
    protected FdChannel openFile() {
        return null;
    }

    /**
     * The file itself held by an O_PATH descriptor (a restore's), for the failure note; null when it holds none.
     * {@link #endAction} closes it once the action is ended.
     */
    protected HeldFile heldFile() {
        return null;
    }

    /**
     * Ends the action once, logs the result, and tells the agent the action is gone.
     *
     * @param cause the failure behind a non-success outcome, or null
     */
    protected final void endAction(ActionOutcome outcome, long length, Throwable cause) {
        context.metrics().actionEnded(action.item().action().name().toLowerCase(java.util.Locale.ROOT),
                System.nanoTime() - startNanos, length, outcome.errno());
        FailureNotes.actionEnding(file, openFile(), heldFile(), action.item().action(), outcome,
                stop.reason() != null ? "stopped (" + stop.reason() + ")" : causeText(cause));
        try {
            action.end(0, length, outcome.flags(), outcome.errno());
            if (outcome.succeeded()) {
                LOG.fine(() -> describe() + ": done, " + length + " bytes");
            } else if (stop.reason() != null) {
                LOG.info(describe() + ": stopped (" + stop.reason() + ")");
            } else {
                LOG.log(Level.WARNING, describe() + ": failed with errno " + outcome.errno()
                        + ((outcome.flags() & 0x2) != 0 ? " (will be retried)" : "") + ": " + causeText(cause));
            }
        } catch (CopytoolRegistration.UnregisteredException e) {
            // the agent stopped without this transfer: it returned only after the copytool had unregistered
            LOG.log(Level.WARNING, describe() + ": abandoned, ended after the agent had unregistered (outcome errno "
                    + outcome.errno() + ", not reported; the coordinator ends the request at its active_request_timeout)");
        } catch (LustreException e) {
            LOG.log(Level.WARNING, describe() + ": llapi_hsm_action_end failed: " + e.getMessage()
                    + (cause == null ? "" : "; the action had failed with: " + causeText(cause)));
        } finally {
            HeldFile held = heldFile();
            if (held != null) {
                held.close();
            }
            onEnded.run();
        }
    }

    /**
     * The file's path relative to the mount. A restore needs none to move data (it works by FID and archive record),
     * so it passes null and the path is looked up here the first time a log line or status wants it: one
     * llapi_fid2path less per restored file.
     */
    protected final String path() {
        String known = path;
        if (known == null) {
            try {
                known = file.relativePath(context.fids());
            } catch (Exception unknown) {
                known = "(path unknown)";
            }
            path = known;
        }
        return known;
    }

    /** "ARCHIVE [0x200000401:0x1:0x0] path dir/f blob dir/f cookie 0x5f3": everything to find the file and blob. */
    @Override
    public final String describe() {
        return action.item().action() + " " + file.fid().bracketed() + " path " + path() + " blob " + blob
                + " cookie 0x" + Long.toHexString(cookie());
    }

    static String causeText(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        StringBuilder text = new StringBuilder(String.valueOf(cause.getMessage()));
        for (Throwable inner = cause.getCause(); inner != null && inner != inner.getCause(); inner = inner.getCause()) {
            if (inner.getMessage() != null && !text.toString().contains(inner.getMessage())) {
                text.append(": ").append(inner.getMessage());
            }
        }
        return text.toString();
    }
}

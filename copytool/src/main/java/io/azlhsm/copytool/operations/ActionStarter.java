package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.CopyAction;
import io.azlhsm.copytool.lustre.FileLayout;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.pipeline.TransferPipeline;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Begins one action and sets it going: REMOVE runs here, ARCHIVE and RESTORE become transfers on the pipeline.
 *
 * <p>Every action handed to {@link #start} or {@link #endWithoutStarting} is ended exactly once, whatever fails, and
 * {@code onEnded} hears about it: an action the coordinator never hears back about would hang until its
 * active_request_timeout.
 */
public final class ActionStarter {
    private static final Logger LOG = Logger.getLogger(ActionStarter.class.getName());

    private final ActionContext context;
    private final TransferPipeline pipeline;
    private final Consumer<ActionTransfer> onRunning;
    private final Consumer<HsmActionItem> onEnded;
    private final Rehydrations rehydrations;

    public ActionStarter(ActionContext context, TransferPipeline pipeline, Consumer<ActionTransfer> onRunning,
                         Consumer<HsmActionItem> onEnded) {
        this.context = context;
        this.pipeline = pipeline;
        this.onRunning = onRunning;
        this.onEnded = onEnded;
        this.rehydrations = new Rehydrations(context.metrics(), pipeline, onRunning);
    }

    /** The restores waiting for their blobs to come out of the Archive tier. */
    public Rehydrations rehydrations() {
        return rehydrations;
    }

    /**
     * @param stop the action's stop, which the dispatcher keeps to stop it at once, whether it is being prepared or
     *             already a running transfer
     */
    public void start(HsmActionItem item, int archiveId, ActionStop stop) {
        StopReason stoppedAlready = stop.reason();
        if (stoppedAlready != null) {
            endWithoutStarting(item, archiveId, stoppedAlready.outcome(), "stopped (" + stoppedAlready
                    + ") before it began");
            return;
        }
        CopyAction action;
        // A restore's record is read once, here: its saved layout is needed before the begin, its blob and identity
        // after it (the file is released and has this restore running, so no archive rewrites the record meanwhile).
        HeldFile held = holdForRestore(item);
        Optional<ArchiveRecord> record = restoreRecord(item, held);
        FileLayout layout = record == null ? null
                : record.filter(r -> r.archiveId() == archiveId).map(ArchiveRecord::layout).orElse(null);
        try {
            action = CopyAction.begin(context.registration(), item, restoreMdtIndex(item),
                    layout != null ? FileLayout.O_LOV_DELAY_CREATE : 0, false);
        } catch (Exception e) {
            if (held != null) {
                held.close();
            }
            endWithoutStarting(item, archiveId, ActionOutcome.of(e), "llapi_hsm_action_begin failed: " + e.getMessage());
            return;
        }
        Runnable ended = () -> onEnded.accept(item);
        // Until it is a running transfer, nothing else reports progress for the action: it keeps itself alive while
        // it waits out an outage of its archive.
        BegunAction begun = new BegunAction(context, action, stop);
        try {
            switch (item.action()) {
                case REMOVE -> {
                    RemoveOperation.run(context, action, archiveId, begun);
                    ended.run();
                }
                case ARCHIVE -> submit(context.patience().call(begun, "preparing the archive",
                        () -> ArchiveTransfer.prepare(context, action, archiveId, stop, ended)));
                case RESTORE -> {
                    RestoreTransfer restore = null;
                    try {
                        restore = context.patience().call(begun, "preparing the restore",
                                () -> RestoreTransfer.prepare(context, action, archiveId, layout, record, stop, ended,
                                        rehydrations, held));
                    } finally {
                        if (restore == null && held != null) {
                            held.close(); // the transfer owns it once made
                        }
                    }
                    submit(restore);
                }
                default -> failBeforeTransfer(action, archiveId, new ActionFailure(38 /* ENOSYS */, false,
                        "unsupported action " + item.action()), ended);
            }
        } catch (Exception e) {
            failBeforeTransfer(action, archiveId, e, ended);
        }
    }

    /**
     * For a RESTORE, the MDT of the file: its volatile file must be created there, as lhsmtool_posix.c ct_restore
     * does. With -1, in a directory striped over several MDTs, LMV places the volatile file by its name's hash
     * (lmv_obd.c lmv_locate_tgt honours an index only when given), and the layout swap on the file's MDT then fails
     * with ENOENT after all the data was copied (mdt_coordinator.c hsm_swap_layouts). -1 for other actions.
     */
    private int restoreMdtIndex(HsmActionItem item) throws LustreException {
        if (item.action() != HsmCopytoolAction.RESTORE) {
            return -1;
        }
        return context.registration().mdtIndex(item.fid());
    }

    /**
     * For a RESTORE, the file's archive record (empty when it has none), whose layout is the one the file had when
     * this copytool archived it: the volatile file is then begun with O_LOV_DELAY_CREATE and given that layout before
     * any data (lhsmtool_posix.c ct_restore, which keeps it beside the archived copy). A file without one (imported,
     * or archived by an older version) gets the default layout, as lhsmtool_posix gives a file whose saved layout it
     * cannot load. The same record then locates the blob ({@link RestoreTransfer#prepare}). Null for other actions,
     * and when the record cannot be read: the default layout, and the locator reads the record again after the begin
     * (its failure there fails the restore as before).
     */
    private Optional<ArchiveRecord> restoreRecord(HsmActionItem item, HeldFile held) {
        if (item.action() != HsmCopytoolAction.RESTORE) {
            return null;
        }
        try {
            return held != null ? context.records().read(held)
                    : context.records().read(new LustreFile(context.mount(), item.fid()).fidPath());
        } catch (Exception e) {
            LOG.info("RESTORE " + item.fid().bracketed() + ": its archive record cannot be read (" + e.getMessage()
                    + "); the restored file gets the default layout");
            return null;
        }
    }

    /**
     * For a RESTORE, the file held by O_PATH: its record, its size and, at the end, its failure note are then reached
     * with one lookup of its FID path instead of three. Null for other actions, and when it cannot be held (those
     * then go by path, and fail there as before).
     */
    private HeldFile holdForRestore(HsmActionItem item) {
        if (item.action() != HsmCopytoolAction.RESTORE) {
            return null;
        }
        LustreFile file = new LustreFile(context.mount(), item.fid());
        try {
            return HeldFile.open(file.fidPath(), item.fid().bracketed());
        } catch (Exception e) {
            LOG.fine(() -> "RESTORE " + item.fid().bracketed() + ": not held by O_PATH (" + e.getMessage() + ")");
            return null;
        }
    }

    private void submit(ActionTransfer transfer) {
        if (transfer == null) {
            return; // ended during preparation (nothing to move)
        }
        onRunning.accept(transfer);
        pipeline.submit(transfer);
    }

    private void failBeforeTransfer(CopyAction action, int archiveId, Exception cause, Runnable ended) {
        ActionOutcome outcome = ActionOutcome.of(cause);
        HsmActionItem item = action.item();
        context.metrics().actionEnded(item.action().name().toLowerCase(java.util.Locale.ROOT), 0, 0, outcome.errno());
        LOG.log(Level.WARNING, item.action() + " " + item.fid().bracketed() + " archive " + archiveId + " cookie 0x"
                + Long.toHexString(item.cookie()) + " failed with errno " + outcome.errno()
                + ((outcome.flags() & 0x2) != 0 ? " (will be retried)" : "") + ": " + ActionTransfer.causeText(cause));
        FailureNotes.actionEnding(new LustreFile(context.mount(), item.fid()), item.action(), outcome,
                ActionTransfer.causeText(cause));
        try {
            action.end(0, 0, outcome.flags(), outcome.errno());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "llapi_hsm_action_end for cookie 0x" + Long.toHexString(item.cookie())
                    + " failed: " + e.getMessage());
        } finally {
            ended.run();
        }
    }

    /**
     * Ends an action that will not be carried out here (canceled while queued, agent stopping, begin failed), the way
     * lhsmtool_posix does: begin it in error mode, which opens nothing, and end it with the outcome.
     */
    public void endWithoutStarting(HsmActionItem item, int archiveId, ActionOutcome outcome, String why) {
        try {
            CopyAction action = CopyAction.begin(context.registration(), item, -1, 0, true);
            FailureNotes.actionEnding(new LustreFile(context.mount(), item.fid()), item.action(), outcome, why);
            action.end(0, 0, outcome.flags(), outcome.errno());
            LOG.info(item.action() + " " + item.fid().bracketed() + " archive " + archiveId + " cookie 0x"
                    + Long.toHexString(item.cookie()) + " ended with errno " + outcome.errno() + ": " + why);
        } catch (Exception e) {
            LOG.log(Level.WARNING, item.action() + " " + item.fid().bracketed() + " cookie 0x"
                    + Long.toHexString(item.cookie()) + ": could not report '" + why + "' to the coordinator: "
                    + e.getMessage());
        } finally {
            onEnded.accept(item);
        }
    }
}

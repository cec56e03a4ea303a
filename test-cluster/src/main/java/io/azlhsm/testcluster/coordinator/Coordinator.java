package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFileOperations;
import io.azlhsm.testcluster.namespace.Namespace;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * One MDT's HSM coordinator, which owns the life cycle of the MDT's HSM requests. As on Lustre, every MDT runs one of
 * its own (struct coordinator is a member of struct mdt_device, lustre/mdt/mdt_internal.h; mdt_hsm_cdt_init,
 * mdt_coordinator.c ~1177), with its own action log, tunables, hsm_control, cookies and agents; {@link Coordinators}
 * routes requests to the MDT of each FID.
 *
 * <p>This class keeps the life cycle: a user request registered as mdt_hsm_add_actions does it (checked, recorded
 * item by item while it holds a reference a stop waits for), the REMOVE of a last unlink, a copytool's begin,
 * progress and end of an action (mdt_hsm_progress, mdt_hsm.c:105; mdt_hsm_update_request_state,
 * mdt_coordinator.c:1815, and hsm_cdt_request_completed, :1586) and how a request ends. Every other job is a class of
 * its own: {@link RequestChecks} and {@link RequestRules} (may a request be recorded), {@link RestoreHandles} (one
 * restore per FID), {@link RequestRefs} (the references a stop waits for), {@link Cookies} (record numbers),
 * {@link Restart} (the action log taken back at a start), {@link ActionTable} and {@link ActionLog} (the records and
 * their journal), {@link Cancels}, {@link Dispatcher} (which waiting records go to which agent, packed by
 * {@link ActionListSender}), {@link Timeouts} (the periodic
 * pass's housekeeping, run by {@link PeriodicPass}, the coordinator thread), {@link Agents}, {@link FileOutcomes}
 * (what an ended request does to its file), {@link BlockingRestores} (the implicit restore a client waits on),
 * {@link HsmControl} and {@link HsmParams} (hsm_control and the hsm.* parameters, with {@link Tunables}) and
 * {@link FileStates} (a file's HSM state as a user reads and sets it).
 *
 * <p>One lock guards all of it: this object's monitor, as before the helpers were split out. None of them has a lock
 * of its own; each is called holding this monitor, or takes it itself (BlockingRestores, FileStates and HsmParams,
 * which callers outside the package reach). The only waits on the monitor are a stop waiting for the requests being
 * registered ({@link RequestRefs#awaitNone}) and clients waiting on an implicit restore ({@link BlockingRestores});
 * {@link #finish}, {@link RequestRefs#put} and a purge wake them.
 */
public final class Coordinator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());

    private final Namespace ns;
    private final HsmFileOperations files;
    private final String fsname;
    /** The index of the MDT this coordinator belongs to. */
    private final int mdt;
    private final FailPoints failPoints;
    private final Tunables tunables;
    private final ActionLog log;
    /** The action log's records, with their indexes; every status change goes through it. */
    private final ActionTable records = new ActionTable();
    private final Cookies cookies;
    /** Requests being registered, each holding a reference on the coordinator. */
    private final RequestRefs refs = new RequestRefs(this);
    private final RestoreHandles restoreHandles;
    private final RequestChecks checks;
    private final Agents agents;
    private final FileOutcomes outcomes;
    private final Cancels cancels;
    private final Dispatcher dispatcher;
    private final Timeouts timeouts;
    /** Runs {@link #scan} every loop_period on the coordinator's own thread. */
    private final PeriodicPass loop;
    private final HsmControl control;
    private final HsmParams params;
    private final FileStates fileStates;
    private final BlockingRestores blockingRestores;

    /**
     * @param mdt        the MDT's index; MDT0's state files keep their single-MDT names (tunables.properties,
     *                   actions.log), another MDT's carry its name (tunables-MDT0001.properties, actions-MDT0001.log)
     * @param cookieSeed where cookies and compound ids start when the action log has none higher: Lustre takes the
     *                   wall-clock second the coordinator started (mdt_coordinator.c ~1064-1065), each MDT its own
     */
    public Coordinator(Namespace ns, HsmFileOperations files, String fsname, int mdt, Path stateDir,
                       Changelogs changelog, long cookieSeed, FailPoints failPoints) {
        this.ns = ns;
        this.failPoints = failPoints;
        this.outcomes = new FileOutcomes(ns, files, changelog);
        this.files = files;
        this.fsname = fsname;
        this.mdt = mdt;
        this.agents = new Agents(mdt);
        String suffix = mdt == 0 ? "" : String.format("-MDT%04x", mdt);
        this.tunables = new Tunables(stateDir.resolve("tunables" + suffix + ".properties"));
        this.log = new ActionLog(stateDir.resolve("actions" + suffix + ".log"));
        this.restoreHandles = new RestoreHandles(records, mdt);
        this.checks = new RequestChecks(ns, tunables, restoreHandles);
        this.cancels = new Cancels(this, fsname, records, agents);
        this.dispatcher = new Dispatcher(this, ns, fsname, tunables, records, agents);
        this.timeouts = new Timeouts(this, tunables, records, agents, outcomes);
        this.loop = new PeriodicPass("coordinator-loop" + suffix, this::scan);
        this.control = new HsmControl(this, files, tunables, records, agents, refs, cancels);
        this.fileStates = new FileStates(this, ns, records, outcomes);
        this.params = new HsmParams(this, control, tunables, records, agents, loop);
        this.blockingRestores = new BlockingRestores(this, ns, tunables, records, restoreHandles, checks, refs,
                failPoints, control);
        this.cookies = new Cookies(cookieSeed);
        Restart.load(log, records, cookies); // as on an MDS restart: running restores start over
        loop.schedule(tunables.loopPeriodSeconds);
    }

    public String fsname() {
        return fsname;
    }

    /** The index of this coordinator's MDT. */
    public int mdt() {
        return mdt;
    }

    // ------------------------------------------------------------------ user requests

    /**
     * llapi_hsm_request on behalf of uid/gid, as mdt_hsm_add_actions does it: checked and its restores' handles taken
     * under the coordinator's lock, then each item recorded, after the OBD_FAIL_MDS_HSM_CDT_DELAY fail point
     * (mdt_hsm_cdt_client.c:358-370), which sleeps holding no lock, only the request's reference on the coordinator.
     */
    public void submit(UserRequest req, int uid, int gid) throws SimulatorException {
        List<ActionRecord> accepted;
        long compound;
        synchronized (this) {
            if (req.action() == HsmCodes.HUA_RELEASE) {
                for (UserRequest.Item item : req.items()) {
                    files.release(item.fid());
                    outcomes.hsmRecord(item.fid(), ChangelogRecord.HE_RELEASE, 0);
                }
                return;
            }
            if (control.stoppedOrStopping()) {
                // mdt_hsm_cdt_client.c:405-407: no coordinator, or one stopping, takes no request
                throw new SimulatorException(Errno.EAGAIN, "coordinator " + control.show());
            }
            accepted = check(req, uid, gid);
            if (accepted == null) {
                return; // a cancel: done
            }
            for (ActionRecord draft : accepted) {
                if (draft.action == HsmCodes.HSMA_RESTORE) {
                    restoreHandles.take(draft.fid);
                }
            }
            compound = accepted.isEmpty() ? 0 : nextCompound();
            refs.take();
        }
        try {
            for (ActionRecord draft : accepted) {
                failPoints.timeout(FailPoints.OBD_FAIL_MDS_HSM_CDT_DELAY);
                synchronized (this) {
                    ActionRecord r = record(compound, draft.action, draft.fid, draft.offset, draft.length,
                            draft.archiveId, draft.flags, draft.gid, draft.data);
                    restoreHandles.release(r.fid);
                }
            }
        } finally {
            synchronized (this) {
                for (ActionRecord draft : accepted) {
                    restoreHandles.release(draft.fid);
                }
                save(); // once per request; before a stop waiting for this request may go on
                refs.put();
                dispatch();
            }
        }
    }

    /**
     * The checks of mdt_hsm_register_hal for every item; a cancel is carried out here. Returns the items to record
     * (cookies not yet given), or null for a cancel.
     */
    private List<ActionRecord> check(UserRequest req, int uid, int gid) throws SimulatorException {
        int hsma = checks.validate(req, uid, gid);
        if (hsma == HsmCodes.HSMA_CANCEL) {
            for (UserRequest.Item item : req.items()) {
                cancels.cancelLast(item.fid());
            }
            save();
            return null;
        }
        return checks.accepted(req, hsma);
    }

    /**
     * A new record in the table with the next cookie and log index ({@link Cookies}); the caller saves the log. Called
     * holding this object's monitor, as by every helper.
     */
    ActionRecord record(long compound, int action, Fid fid, long offset, long length, int archiveId, long flags,
                        long gid, byte[] data) {
        ActionRecord r = cookies.next(compound, action, fid, offset, length, archiveId, flags, gid, data);
        records.add(r);
        return r;
    }

    /** The next compound id: one per user request, as hal_compound_id. */
    long nextCompound() {
        return cookies.nextCompound();
    }

    // ------------------------------------------------------------------ dispatch

    /**
     * Hands waiting requests to agents ({@link Dispatcher}) while the coordinator is enabled (mdt_coordinator_cb
     * stops at CDT_DISABLE, mdt_coordinator.c ~441-442). Called holding this object's monitor, as by every helper.
     */
    void dispatch() {
        if (control.enabled()) {
            dispatcher.dispatch();
        }
    }

    /** The periodic pass (every loop_period): timeouts, purge of old records ({@link Timeouts}), dispatch. */
    private synchronized void scan() {
        try {
            timeouts.expire();
            dispatch();
        } catch (RuntimeException e) {
            LOG.severe("coordinator pass failed: " + e);
        }
    }

    // ------------------------------------------------------------------ copytool side

    /** A client mount's copytools register with this MDT ({@link Agents#register}): waiting requests may go now. */
    synchronized void register(String uuid, List<Integer> archiveIds, AgentChannel channel) {
        agents.register(uuid, archiveIds, channel);
        dispatch();
    }

    /**
     * The mount's agent is gone (mdt_hsm_agent_unregister looks it up by UUID only); running requests wait for their
     * timeout.
     */
    synchronized void unregister(String uuid) {
        agents.remove(uuid);
    }

    /**
     * What action_begin needs from the coordinator: the FID of the file whose data the copytool moves (an archive's
     * file, a restore's volatile file), which libhsmsim opens through the client mount by that FID; and its path on
     * the backing store, for the record.
     */
    public record Begin(int action, Path dataPath, Fid dataFid) {
    }

    /**
     * @param restoreMdtIndex llapi_hsm_action_begin's restore_mdt_index: where a restore's volatile file goes
     * @param delayLayout     its restore_open_flags held O_LOV_DELAY_CREATE: the volatile file gets no layout until
     *                        the copytool sets one (liblustreapi_hsm.c create_restore_volatile, mdt_open.c:1871-1877)
     */
    public synchronized Begin begin(long cookie, Fid fid, boolean isError, int restoreMdtIndex, boolean delayLayout)
            throws SimulatorException {
        if (isError) {
            // liblustreapi_hsm.c llapi_hsm_action_begin: is_error jumps past COPY_START (goto ok_out, lines
            // 1139-1140), so the MDT is not asked: a begin only to report an error succeeds whatever became of the
            // request meanwhile (canceled, timed out), and its end alone meets the request's state.
            ActionRecord known = records.get(cookie);
            return new Begin(known != null ? known.action : 0, null, known != null ? known.dataFid : fid);
        }
        ActionRecord r = started(cookie, fid);
        r.lastActivityMillis = System.currentTimeMillis();
        switch (r.action) {
            case HsmCodes.HSMA_ARCHIVE -> {
                r.startDataVersion = ns.dataVersion(fid); // COPY_START
                return new Begin(r.action, ns.backingPathOf(fid), fid);
            }
            case HsmCodes.HSMA_RESTORE -> {
                if (r.volatileFile != null) {
                    files.discard(r.volatileFile);
                }
                r.volatileFile = files.createVolatile(fid, restoreMdtIndex, delayLayout);
                r.dataFid = r.volatileFile.fid();
                records.touched(r);
                return new Begin(r.action, r.volatileFile.path(), r.dataFid);
            }
            default -> {
                return new Begin(r.action, null, fid);
            }
        }
    }

    private ActionRecord started(long cookie, Fid fid) throws SimulatorException {
        ActionRecord r = records.get(cookie);
        if (r == null || !r.fid.equals(fid)) {
            throw new SimulatorException(Errno.ENOENT, "unknown cookie " + cookie);
        }
        if (r.status == RequestStatus.CANCELED && r.cancelRequested) {
            throw new SimulatorException(Errno.ECANCELED, "request canceled");
        }
        if (r.status != RequestStatus.STARTED) {
            throw new SimulatorException(Errno.ENOENT, "request " + cookie + " is " + r.status);
        }
        return r;
    }

    public synchronized void progress(long cookie, Fid fid, long offset, long length) throws SimulatorException {
        ActionRecord r = started(cookie, fid);
        if (length != -1 && Long.compareUnsigned(offset + length, offset) < 0) {
            throw new SimulatorException(Errno.EINVAL, "extent wraps");
        }
        r.progress.add(offset, length);
        r.lastActivityMillis = System.currentTimeMillis();
    }

    /** action_end: applies the outcome to the file, returns nothing or throws the errno action_end returns. */
    public synchronized void end(long cookie, Fid fid, long offset, long length, int hpFlags, int errval)
            throws SimulatorException {
        ActionRecord r = records.get(cookie);
        if (r != null && r.fid.equals(fid) && r.status == RequestStatus.CANCELED && r.cancelRequested) {
            if (r.volatileFile != null) {
                files.discard(r.volatileFile);
            }
            outcomes.hsmRecord(fid, FileOutcomes.hsmEvent(r.action), Errno.ECANCELED); // e.g. 0x7d: archive canceled
            return; // the canceled request already has its final status
        }
        r = started(cookie, fid);
        r.progress.add(offset, length);
        SimulatorException failure = null;
        RequestStatus result;
        if (errval == 0) {
            try {
                outcomes.applySuccess(r);
                result = RequestStatus.SUCCEED;
            } catch (SimulatorException e) {
                failure = e;
                errval = e.errno();
                result = RequestStatus.FAILED;
            }
        } else if (errval == Errno.ECANCELED) {
            result = RequestStatus.SUCCEED; // "canceled" without a cancel: done, no flag changes
        } else if (errval == Errno.ENOSYS) {
            result = RequestStatus.FAILED;
        } else {
            boolean retry = !tunables.policy.contains(Tunables.NRA) && (hpFlags & HsmCodes.HP_FLAG_RETRY) != 0
                    && ns.exists(fid);
            result = retry ? RequestStatus.WAITING : RequestStatus.FAILED;
        }
        if (r.action == HsmCodes.HSMA_RESTORE && result != RequestStatus.SUCCEED && r.volatileFile != null) {
            files.discard(r.volatileFile);
            r.volatileFile = null;
            r.dataFid = r.fid;
            records.touched(r);
        }
        if (r.action == HsmCodes.HSMA_ARCHIVE && result == RequestStatus.FAILED && errval != Errno.EALREADY) {
            outcomes.markDirtyIfArchived(fid);
        }
        agents.countEnd(r, result);
        agents.leaveStarted(r);
        outcomes.hsmRecord(fid, FileOutcomes.hsmEvent(r.action), errval);
        if (result == RequestStatus.WAITING) {
            records.setStatus(r, RequestStatus.WAITING);
            r.agentUuid = null;
            r.notBeforeMillis = System.currentTimeMillis() + tunables.loopPeriodSeconds * 1000;
            save();
        } else {
            finish(r, result);
        }
        dispatch();
        if (failure != null) {
            throw failure;
        }
    }

    /** r ends with status: its volatile file (unless it succeeded) goes, the log is saved, waiting clients wake. */
    void finish(ActionRecord r, RequestStatus status) {
        if (r.volatileFile != null && status != RequestStatus.SUCCEED) {
            files.discard(r.volatileFile);
            r.volatileFile = null;
        }
        r.finishedMillis = System.currentTimeMillis();
        records.setStatus(r, status);
        save();
        notifyAll(); // clients blocked on an implicit restore
    }

    /** Writes the changed records to the action log. */
    void save() {
        records.syncTo(log);
    }

    // ------------------------------------------------------------------ implicit restore

    /** A client's read, write or truncate of a released file waits for its restore ({@link BlockingRestores}). */
    public void restoreAndWait(Fid fid, BlockedIo caller) throws SimulatorException {
        blockingRestores.restoreAndWait(fid, caller);
    }

    /**
     * The last name of a file with an archive copy went away: with remove_archive_on_last_unlink, the coordinator
     * queues a REMOVE of the copy by FID (the request mask does not apply: the MDT issues it). As Lustre's item it
     * carries no data (hai_len 72: mdt_lib.c:1097-1103 mdt_handle_last_unlink), so the copytool has only the FID.
     * The MDT writes the record itself (mdt_agent_record_add, not mdt_hsm_add_actions), whatever the coordinator's
     * state: "If CDT is not running, requests will be logged for later" (mdt_lib.c:1169-1181, sanity-hsm 26b).
     */
    public synchronized void lastUnlinked(Fid fid, HsmAttributes attributes) {
        if (tunables.removeArchiveOnLastUnlink == 0) {
            return;
        }
        record(nextCompound(), HsmCodes.HSMA_REMOVE, fid, 0, -1, (int) attributes.archiveId(), 0, 0, new byte[0]);
        save();
        dispatch();
    }

    // ------------------------------------------------------------------ what users read and set

    /** The HSM state of this MDT's files: lfs hsm_state, hsm_action, hsm_set / hsm_clear. */
    public FileStates fileStates() {
        return fileStates;
    }

    /** This MDT's lctl parameters: hsm_control and hsm.*. */
    public HsmParams params() {
        return params;
    }

    /**
     * The MDS stops (umount, failover): the coordinator stops as for a shutdown (mdt_fini stops it through
     * mdt_hsm_cdt_stop), waiting for requests being registered, without changing the hsm_control saved for the next
     * start; then its loop ends. {@link Coordinators} tells the copytools.
     */
    @Override
    public void close() {
        synchronized (this) {
            control.stopForClose();
            log.close();
        }
        loop.shutdown();
    }
}

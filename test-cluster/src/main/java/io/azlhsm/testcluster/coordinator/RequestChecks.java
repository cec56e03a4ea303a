package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.Namespace;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of mdt_hsm_register_hal (mdt_hsm_cdt_client.c) that decide whether a user request may be recorded, in
 * Lustre's order: the action is known, every FID is sane, the caller's request mask allows the action on every file;
 * then, item by item, the archive id, whether the action is needed and compatible with the file's HSM state
 * ({@link RequestRules}), and whether a restore of the file is on its way already ({@link RestoreHandles}). Records
 * nothing itself. Guarded by the Coordinator's lock: called holding it (no lock of its own), so the files' states and
 * the restore handles it reads do not change under it.
 */
final class RequestChecks {
    private final Namespace ns;
    private final Tunables tunables;
    private final RestoreHandles restoreHandles;

    RequestChecks(Namespace ns, Tunables tunables, RestoreHandles restoreHandles) {
        this.ns = ns;
        this.tunables = tunables;
        this.restoreHandles = restoreHandles;
    }

    /** The request's copytool action (HSMA_*), once the action, every FID and the caller's permission are checked. */
    int validate(UserRequest req, int uid, int gid) throws SimulatorException {
        int hsma = HsmCodes.copytoolAction(req.action());
        if (hsma == HsmCodes.HSMA_NONE) {
            throw new SimulatorException(Errno.EINVAL, "unknown action " + req.action());
        }
        for (UserRequest.Item item : req.items()) {
            if (!item.fid().isSane()) { // mdt_hsm_cdt_client.c mdt_hsm_add_actions -> hal_is_sane
                throw new SimulatorException(Errno.EINVAL, "not a valid FID " + item.fid());
            }
        }
        for (UserRequest.Item item : req.items()) {
            checkPermission(req.action(), item.fid(), uid, gid);
        }
        return hsma;
    }

    /**
     * The items of a request (not a cancel) to record, cookies not yet given: items not needed, and restores of a FID
     * with one on its way, are left out; an incompatible item fails the whole request with EPERM.
     */
    List<ActionRecord> accepted(UserRequest req, int hsma) throws SimulatorException {
        List<ActionRecord> accepted = new ArrayList<>();
        for (UserRequest.Item item : req.items()) {
            HsmAttributes a;
            try {
                a = ns.hsm(item.fid());
            } catch (SimulatorException e) {
                if (e.errno() != Errno.ENOENT || hsma != HsmCodes.HSMA_REMOVE) {
                    throw e; // ENOENT for a FID that is not there
                }
                // REMOVE by FID of an unlinked file: the archive copy must still go (sanity-hsm 29d)
                accepted.add(new ActionRecord(0, 0, hsma, item.fid(), item.offset(), item.length(),
                        req.archiveId(), req.flags(), 0, req.data(), 0));
                continue;
            }
            if (hsma == HsmCodes.HSMA_RESTORE && item.offset() != 0) {
                throw new SimulatorException(Errno.EINVAL, "restore offset must be 0");
            }
            int archiveId = req.archiveId() != 0 ? req.archiveId()
                    : a.archiveId() != 0 ? (int) a.archiveId() : tunables.defaultArchiveId;
            if (!RequestRules.isNeeded(hsma, a, req.flags())) {
                continue;
            }
            if (!RequestRules.isCompatible(hsma, archiveId, a)) {
                throw new SimulatorException(Errno.EPERM, HsmCodes.actionName(hsma) + " not compatible with flags "
                        + a.flags() + " of " + item.fid());
            }
            if (hsma == HsmCodes.HSMA_RESTORE && (restoreHandles.registered(item.fid()) || accepted.stream()
                    .anyMatch(d -> d.action == HsmCodes.HSMA_RESTORE && d.fid.equals(item.fid())))) {
                continue; // a restore of this FID is already on its way
            }
            accepted.add(new ActionRecord(0, 0, hsma, item.fid(), item.offset(), item.length(), archiveId,
                    req.flags(), 0, req.data(), 0));
        }
        return accepted;
    }

    /** The request mask of the caller's class (owner, group, other) must allow the action; root always may. */
    void checkPermission(int userAction, Fid fid, int uid, int gid) throws SimulatorException {
        if (uid == 0) {
            return;
        }
        Path p = ns.backingPathOf(fid);
        Set<String> mask;
        try {
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int group = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            mask = uid == owner ? tunables.userRequestMask
                    : gid == group ? tunables.groupRequestMask : tunables.otherRequestMask;
        } catch (java.io.IOException e) {
            throw new SimulatorException(Errno.ENOENT, e.toString());
        }
        if (!mask.contains(HsmCodes.actionName(HsmCodes.copytoolAction(userAction)))) {
            throw new SimulatorException(Errno.EPERM, "request mask forbids it");
        }
    }
}

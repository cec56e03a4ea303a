package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.LuFid;

/**
 * What names one action the agent was given: its cookie together with its FID. A cookie alone does not: every MDT runs
 * a coordinator of its own, each numbering its actions from the wall-clock second it started (lustre/mdt/
 * mdt_coordinator.c ~1064-1065), so on a DNE file system two MDTs hand out the same cookies. A FID belongs to one
 * MDT, and a CANCEL carries the FID and cookie of the action it cancels (mdt_hsm_cdt_client.c ~63-75).
 */
record ActionKey(long cookie, LuFid fid) {
    static ActionKey of(HsmActionItem item) {
        return new ActionKey(item.cookie(), item.fid());
    }

    @Override
    public String toString() {
        return fid.bracketed() + " cookie 0x" + Long.toHexString(cookie);
    }
}

package io.azlhsm.testcluster.coordinator;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs the records a dispatch pass gives one agent into hsm_action_lists no larger than Lustre's (the items of one
 * list share its archive id, flags and compound id, those of the batch's first record) and sends them on the agent's
 * channel. Holds no state; the {@link Dispatcher} calls it holding the Coordinator's lock, so lists reach an agent in
 * dispatch order.
 */
final class ActionListSender {
    /** Lustre caps one hsm_action_list at about this many bytes. */
    private static final int MAX_LIST_BYTES = 5120;

    private final String fsname;

    ActionListSender(String fsname) {
        this.fsname = fsname;
    }

    /** Sends batch (records of one agent and archive id, in order) to agent in as few lists as fit. */
    void send(Agent agent, List<ActionRecord> batch) {
        List<ActionList.Item> items = new ArrayList<>();
        int bytes = 32 + align8(fsname.length() + 1);
        ActionRecord first = batch.get(0);
        for (ActionRecord r : batch) {
            int itemBytes = align8(72 + r.data.length);
            if (!items.isEmpty() && bytes + itemBytes > MAX_LIST_BYTES) {
                agent.channel.send(new ActionList(first.archiveId, first.flags, first.compoundId, fsname, items));
                items = new ArrayList<>();
                bytes = 32 + align8(fsname.length() + 1);
            }
            items.add(new ActionList.Item(r.action, r.fid, r.dataFid, r.offset, r.length, r.cookie, r.gid, r.data));
            bytes += itemBytes;
        }
        agent.channel.send(new ActionList(first.archiveId, first.flags, first.compoundId, fsname, items));
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }
}

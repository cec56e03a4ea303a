package io.azlhsm.testcluster.coordinator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The copytools registered on one client mount, as the client's kernel keeps them (the KUC_GRP_HSM group of one client
 * UUID, lustre/obdclass/kernelcomm.c): every action list the coordinator sends to that UUID is written to every one of
 * them (libcfs_kkuc_group_put, 1285-1296). One is the normal case; Lustre refuses a second registration only on the
 * same directory fd (lustre/llite/dir.c 1156), so two copytools on one mount both receive, and would both run, every
 * action. Each member keeps the archive list it registered with (lmv_obd.c 846-870 stores it with the member as
 * kkuc_ct_data), which the client sends again when it reconnects to an MDT (mdc_request.c mdc_hsm_ct_reregister).
 * Members change under {@link Coordinators}' lock while any MDT's coordinator may be sending to the group: the list
 * is safe for that.
 */
final class KucGroup implements AgentChannel {
    /** A registered copytool and the archive ids it asked for (empty: all). */
    record Member(AgentChannel channel, List<Integer> archiveIds) {
    }

    /** Newest first: libcfs_kkuc_group_add puts a member at the head of the list (kernelcomm.c 1216, list_add). */
    private final List<Member> members = new CopyOnWriteArrayList<>();

    void add(AgentChannel channel, List<Integer> archiveIds) {
        members.add(0, new Member(channel, List.copyOf(archiveIds)));
    }

    void remove(AgentChannel channel) {
        members.removeIf(m -> m.channel() == channel);
    }

    boolean contains(AgentChannel channel) {
        return members.stream().anyMatch(m -> m.channel() == channel);
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** The members in the order libcfs_kkuc_group_foreach visits them (kernelcomm.c 1333-1336): newest first. */
    List<Member> newestFirst() {
        return List.copyOf(members);
    }

    /** Members whose process has exited without the coordinator having seen its connection close yet. */
    List<AgentChannel> dead() {
        return members.stream().map(Member::channel).filter(channel -> !channel.alive()).toList();
    }

    @Override
    public void send(ActionList list) {
        members.forEach(m -> m.channel().send(list));
    }

    @Override
    public void shutdown() {
        members.forEach(m -> m.channel().shutdown());
    }
}

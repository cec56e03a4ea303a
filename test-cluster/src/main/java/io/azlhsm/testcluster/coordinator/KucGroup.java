package io.azlhsm.testcluster.coordinator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The copytools registered on one client mount, as the client's kernel keeps them (the KUC_GRP_HSM group of one client
 * UUID, lustre/obdclass/kernelcomm.c): every action list the coordinator sends to that UUID is written to every one of
 * them (libcfs_kkuc_group_put, 1285-1296). One is the normal case; Lustre refuses a second registration only on the
 * same directory fd (lustre/llite/dir.c 1156), so two copytools on one mount both receive, and would both run, every
 * action. Members change under {@link Coordinators}' lock while any MDT's coordinator may be sending to the group:
 * the list is safe for that.
 */
final class KucGroup implements AgentChannel {
    private final List<AgentChannel> members = new CopyOnWriteArrayList<>();

    void add(AgentChannel channel) {
        members.add(channel);
    }

    void remove(AgentChannel channel) {
        members.remove(channel);
    }

    boolean contains(AgentChannel channel) {
        return members.contains(channel);
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** Members whose process has exited without the coordinator having seen its connection close yet. */
    List<AgentChannel> dead() {
        return members.stream().filter(channel -> !channel.alive()).toList();
    }

    @Override
    public void send(ActionList list) {
        members.forEach(channel -> channel.send(list));
    }

    @Override
    public void shutdown() {
        members.forEach(AgentChannel::shutdown);
    }
}

package io.azlhsm.testcluster.coordinator;

import java.util.ArrayList;
import java.util.List;

/**
 * The copytools registered on one client mount, as the client's kernel keeps them (the KUC_GRP_HSM group of one client
 * UUID, lustre/obdclass/kernelcomm.c): every action list the coordinator sends to that UUID is written to every one of
 * them (libcfs_kkuc_group_put, 1285-1296). One is the normal case; Lustre refuses a second registration only on the
 * same directory fd (lustre/llite/dir.c 1156), so two copytools on one mount both receive, and would both run, every
 * action. Guarded by the Coordinator's lock.
 */
final class KucGroup implements AgentChannel {
    private final List<AgentChannel> members = new ArrayList<>();

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

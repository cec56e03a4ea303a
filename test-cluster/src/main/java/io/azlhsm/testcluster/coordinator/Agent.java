package io.azlhsm.testcluster.coordinator;

import java.util.List;

/** A registered copytool: one per client mount, known by the mount's UUID. Guarded by the Coordinator's lock. */
final class Agent {
    final String uuid;
    /** Archive ids served; empty means all (ANY). */
    final List<Integer> archiveIds;
    final AgentChannel channel;
    int current;
    int succeeded;
    int failed;

    Agent(String uuid, List<Integer> archiveIds, AgentChannel channel) {
        this.uuid = uuid;
        this.archiveIds = archiveIds;
        this.channel = channel;
    }

    boolean serves(int archiveId) {
        return archiveIds.isEmpty() || archiveIds.contains(archiveId);
    }

    /** The line of {@code lctl get_param mdt.*.hsm.agents}. */
    String listing() {
        String ids = archiveIds.isEmpty() ? "ANY"
                : String.join(",", archiveIds.stream().map(String::valueOf).toList());
        return "uuid=" + uuid + " archive_id=" + ids + " requests=[current:" + current + " ok:" + succeeded
                + " errors:" + failed + "]";
    }
}

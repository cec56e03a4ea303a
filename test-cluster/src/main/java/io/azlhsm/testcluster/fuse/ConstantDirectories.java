package io.azlhsm.testcluster.fuse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directories of a client mount whose entries and attributes never change: {@code .lustre} in the root and
 * {@code fid} in it, virtual (nothing can be created in them, removed, renamed, chmod'ed; {@link MountPaths}), by the
 * FUSE node id libfuse gave them. The mount is served with zero entry and attribute timeouts, so the kernel looks
 * each path component up again and asks for each directory's attributes at every permission check of a walk; an
 * agent opens {@code .lustre/fid/<FID>} several times per action, and those lookups and GETATTRs of the two
 * directories were about a third of the FUSE requests an HSM action cost. {@link FuseSessionLoop} gives their
 * replies a long validity instead, which is exact: what the kernel keeps can never differ from what the daemon would
 * answer (a Lustre client, for its part, keeps every entry and attribute under LDLM locks).
 *
 * <p>A node id is learned from libfuse's reply to the LOOKUP of the name and dropped when the kernel forgets the node,
 * so an id libfuse hands out again later (its counter wraps at 2^32) never inherits the validity.
 */
final class ConstantDirectories {
    /** How long the kernel may keep them (entry_valid and attr_valid of the replies, seconds). */
    static final long VALID_SECONDS = 24 * 3600;

    enum Kind { DOT_LUSTRE, FID }

    private final Map<Long, Kind> byNode = new ConcurrentHashMap<>();

    void record(long nodeid, Kind kind) {
        if (nodeid != 0) {
            byNode.put(nodeid, kind);
        }
    }

    boolean contains(long nodeid) {
        return !byNode.isEmpty() && byNode.containsKey(nodeid);
    }

    boolean is(long nodeid, Kind kind) {
        return !byNode.isEmpty() && byNode.get(nodeid) == kind;
    }

    void forget(long nodeid) {
        if (!byNode.isEmpty()) {
            byNode.remove(nodeid);
        }
    }
}

package io.azlhsm.copytool.jobs.policy;

import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.OstPools;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The space of one OST pool as {@code lfs df --pool FSNAME.POOL} sums it (lfs.c mntdf): every OST index is asked for
 * its statfs until ENODEV, and the OSTs whose UUID is a member of the pool (llapi_get_poolmembers; lfs asks
 * llapi_search_ost) add their blocks, free and available blocks, each times its block size.
 */
final class PoolSpace {
    private PoolSpace() {
    }

    static SpaceUsage of(OstPools osts, Path mount, String fsnamePool) throws LustreException {
        Set<String> members = new HashSet<>(osts.members(fsnamePool));
        long blocks = 0;
        long free = 0;
        long available = 0;
        for (int index = 0; ; index++) {
            Optional<OstPools.OstStatfs> ost = osts.ost(mount, index);
            if (ost.isEmpty()) {
                break;
            }
            OstPools.OstStatfs st = ost.get();
            if (members.contains(st.uuid())) {
                blocks += st.blocks() * st.bsize();
                free += st.bfree() * st.bsize();
                available += st.bavail() * st.bsize();
            }
        }
        return new SpaceUsage(blocks, blocks - free, available);
    }
}

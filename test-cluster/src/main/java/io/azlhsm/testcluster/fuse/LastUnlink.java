package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;

/** Tells the MDT that the last name of a file is gone (remove_archive_on_last_unlink acts on it). */
public interface LastUnlink {
    void unlinked(Fid fid, HsmAttributes attributes);
}

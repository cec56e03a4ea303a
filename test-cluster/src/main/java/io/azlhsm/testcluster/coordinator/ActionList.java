package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

import java.util.List;

/**
 * What the coordinator sends a copytool: the content of one hsm_action_list. Carried as text; libhsmsim lays out the
 * binary structure in C.
 */
public record ActionList(int archiveId, long flags, long compoundId, String fsname, List<Item> items) {
    /** One hsm_action_item. */
    public record Item(int action, Fid fid, Fid dataFid, long offset, long length, long cookie, long gid, byte[] data) {
    }
}

package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

import java.util.List;

/** A struct hsm_user_request as llapi_hsm_request submits it. */
public record UserRequest(int action, int archiveId, long flags, List<Item> items, byte[] data) {
    /** One hsm_user_item. */
    public record Item(Fid fid, long offset, long length) {
    }
}

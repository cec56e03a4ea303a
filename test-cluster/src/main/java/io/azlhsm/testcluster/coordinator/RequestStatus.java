package io.azlhsm.testcluster.coordinator;

/** enum agent_req_status, in Lustre's order. */
public enum RequestStatus {
    WAITING, STARTED, FAILED, CANCELED, SUCCEED;

    public boolean isActive() {
        return this == WAITING || this == STARTED;
    }
}

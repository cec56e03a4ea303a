package io.azlhsm.testcluster.coordinator;

/** Where the coordinator pushes a copytool's work: its registration connection. Sends must not block the caller. */
public interface AgentChannel {
    void send(ActionList list);

    /** The coordinator stops: the copytool's next recv gets ESHUTDOWN. */
    void shutdown();
}

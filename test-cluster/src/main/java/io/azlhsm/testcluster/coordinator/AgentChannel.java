package io.azlhsm.testcluster.coordinator;

/** Where the coordinator pushes a copytool's work: its registration connection. Sends must not block the caller. */
public interface AgentChannel {
    void send(ActionList list);

    /** The coordinator stops: the copytool's next recv gets ESHUTDOWN. */
    void shutdown();

    /**
     * False once the copytool's process has exited. Its connection's end is noticed by another thread, possibly only
     * after a successor registered; a real client deregisters a dead copytool as its process exits (llite/file.c
     * ll_file_release), so the coordinator asks before a registration.
     */
    default boolean alive() {
        return true;
    }
}

package io.azlhsm.testcluster.coordinator;

/**
 * The references that requests being registered hold on a coordinator (cdt_ref: cdt_getref_try and cdt_putref,
 * mdt_coordinator.c ~605-615, taken by mdt_hsm_add_actions for the whole registration, mdt_hsm_cdt_client.c
 * :405-433), and the wait of a stop until none is left (mdt_coordinator.c:704-712). Guarded by the Coordinator's
 * lock: every method is called holding its monitor, and the wait and the wake-up are on that monitor, the object
 * given here, so that they meet the Coordinator's other waits and notifies.
 */
final class RequestRefs {
    private final Object monitor;
    /** Requests being registered. */
    private int inUse;

    /** monitor: the Coordinator whose lock guards this count. */
    RequestRefs(Object monitor) {
        this.monitor = monitor;
    }

    /** A request starts being registered. */
    void take() {
        inUse++;
    }

    /** A request is registered (or gave up): a stop waiting for it may go on. */
    void put() {
        inUse--;
        monitor.notifyAll();
    }

    /**
     * Waits (releasing the monitor while it waits, as Object.wait does) until no request is being registered.
     * Returns whether the thread was interrupted meanwhile; the wait goes on regardless, as Lustre's is not
     * killable, and the caller restores the interrupt once done.
     */
    boolean awaitNone() {
        boolean interrupted = false;
        while (inUse > 0) {
            try {
                monitor.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }
}

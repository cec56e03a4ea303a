package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.lustre.CopytoolRegistration;
import io.azlhsm.copytool.lustre.FdPoller;
import io.azlhsm.copytool.lustre.HsmActionList;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFormatException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that drains the coordinator: it only receives and hands over, never does I/O of its own, because
 * the coordinator's writes into the copytool pipe block once the pipe is full.
 *
 * <p>It reads on while every action slot is taken, so that a CANCEL (which Lustre sends on the same pipe, behind
 * whatever action lists are already in it) reaches the action it names at once; received actions wait for a slot in
 * the dispatcher. It stops reading only when the dispatcher holds its limit of waiting actions, and then the pipe
 * fills and the kernel holds the coordinator's further lists (back-pressure, never EBUSY).
 */
final class ReceiveLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ReceiveLoop.class.getName());
    private static final int ESHUTDOWN = 108;
    private static final int EPIPE = 32;

    private final CopytoolRegistration registration;
    private final ActionDispatcher dispatcher;
    private final Runnable onCoordinatorGone;
    private volatile boolean running = true;
    /** Iterations so far: the systemd watchdog's proof that the agent still takes work. */
    private final java.util.concurrent.atomic.AtomicLong turns = new java.util.concurrent.atomic.AtomicLong();

    ReceiveLoop(CopytoolRegistration registration, ActionDispatcher dispatcher, Runnable onCoordinatorGone) {
        this.registration = registration;
        this.dispatcher = dispatcher;
        this.onCoordinatorGone = onCoordinatorGone;
    }

    /** How many times the loop has turned; it turns at least every 250 ms unless stuck in a call. */
    long turns() {
        return turns.get();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try {
            int fd = registration.fd();
            while (running) {
                turns.incrementAndGet();
                if (!dispatcher.awaitRoom(250)) {
                    continue; // as many actions wait as the agent keeps: the rest stay in the pipe for now
                }
                if (!FdPoller.awaitReadable(fd, 250)) {
                    continue;
                }
                Optional<HsmActionList> list = receive();
                if (list.isPresent()) {
                    dispatcher.dispatch(list.get());
                }
            }
        } catch (LustreException e) {
            if (running) {
                boolean gone = e.errno() == ESHUTDOWN || e.errno() == EPIPE;
                LOG.log(gone ? Level.WARNING : Level.SEVERE, "receiving from the coordinator stopped: " + e.getMessage());
                onCoordinatorGone.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "receive loop failed", e);
            onCoordinatorGone.run();
        }
    }

    private Optional<HsmActionList> receive() throws LustreException {
        try {
            return registration.receiveIfReady();
        } catch (LustreFormatException malformed) {
            // One bad list must not stop the agent; its actions will time out on the coordinator and be retried.
            LOG.log(Level.SEVERE, "dropped a malformed action list: " + malformed.getMessage());
            return Optional.empty();
        }
    }
}

package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActionStopTest {
    @Test
    void aStopInterruptsAThreadInsideACallAndTheInterruptDoesNotOutliveTheCall() throws Exception {
        ActionStop stop = new ActionStop(true);
        CountDownLatch inside = new CountDownLatch(1);
        AtomicBoolean interruptedInside = new AtomicBoolean();
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        Thread worker = new Thread(() -> {
            stop.enter();
            try {
                inside.countDown();
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            } catch (InterruptedException e) {
                interruptedInside.set(true);
                Thread.currentThread().interrupt(); // as a library that restores the status would
            } finally {
                stop.exit();
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        worker.start();
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        stop.stop(StopReason.CANCELED_BY_COORDINATOR);
        worker.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(worker.isAlive(), "the stop did not interrupt the call");
        assertTrue(interruptedInside.get());
        assertFalse(interruptedAfter.get(), "the stop's interrupt leaked out of the call");
        assertEquals(StopReason.CANCELED_BY_COORDINATOR, stop.reason());
    }

    @Test
    void aCallStartedAfterTheStopFailsAtItsFirstWait() {
        ActionStop stop = new ActionStop(true);
        stop.stop(StopReason.TIMED_OUT);
        stop.enter();
        try {
            assertThrows(InterruptedException.class, () -> Thread.sleep(TimeUnit.MINUTES.toMillis(5)));
        } finally {
            stop.exit();
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void theFirstReasonWinsAndListenersRunOnceEvenWhenAddedLate() {
        ActionStop stop = new ActionStop(true);
        AtomicInteger early = new AtomicInteger();
        AtomicInteger late = new AtomicInteger();
        stop.whenStopped(early::incrementAndGet);
        stop.stop(StopReason.CANCELED_BY_COORDINATOR);
        stop.stop(StopReason.AGENT_STOPPING);
        stop.whenStopped(late::incrementAndGet);
        assertEquals(StopReason.CANCELED_BY_COORDINATOR, stop.reason());
        assertEquals(1, early.get());
        assertEquals(1, late.get());
    }

    @Test
    void aRemoveIsNeverInterrupted() throws Exception {
        ActionStop stop = new ActionStop(false);
        stop.enter();
        try {
            stop.stop(StopReason.CANCELED_BY_COORDINATOR);
            assertFalse(Thread.currentThread().isInterrupted(), "a REMOVE's call was interrupted");
        } finally {
            stop.exit();
        }
        assertEquals(StopReason.CANCELED_BY_COORDINATOR, stop.reason());
    }
}

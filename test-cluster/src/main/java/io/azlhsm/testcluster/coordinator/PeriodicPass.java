package io.azlhsm.testcluster.coordinator;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's own thread (Lustre's coordinator thread, mdt_coordinator.c), which runs its periodic pass
 * (timeouts, purge of old records, dispatch) every loop_period seconds, counted from the end of the last pass. The
 * pass takes the Coordinator's lock itself. {@link #schedule} is called from the Coordinator's constructor and then
 * holding its lock (a new loop_period); {@link #shutdown} at its close.
 */
final class PeriodicPass {
    private final ScheduledExecutorService timer;
    private final Runnable pass;
    private ScheduledFuture<?> loop;

    /** threadName: the daemon thread's name (coordinator-loop, with the MDT's name for another MDT than MDT0). */
    PeriodicPass(String threadName, Runnable pass) {
        this.pass = pass;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** (Re)starts the pass every period seconds, the first one period from now; a pass under way runs to its end. */
    void schedule(long period) {
        if (loop != null) {
            loop.cancel(false);
        }
        loop = timer.scheduleWithFixedDelay(pass, period, period, TimeUnit.SECONDS);
    }

    /** Ends the thread: no pass starts any more (one under way is interrupted). */
    void shutdown() {
        timer.shutdownNow();
    }
}

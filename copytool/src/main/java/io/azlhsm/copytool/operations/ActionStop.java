package io.azlhsm.copytool.operations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one action is told to stop (a CANCEL from the coordinator, its timeout, the end of the agent's grace), from the
 * moment a starter takes it until it ends; the dispatcher, the action being prepared and its transfer share one.
 *
 * <p>A stop must take effect at once, whatever the action is waiting for: an HTTP request the client library retries
 * for minutes, a bandwidth limiter, a request slot, a backoff. Each of those is a blocking Java call that an interrupt
 * ends, so {@link #stop} interrupts the threads that are {@linkplain #enter inside a call to the archive} for this
 * action: the Azure client library then gives up the request and its retries at once (InterruptedAzureCallTest), and
 * a download is kept from writing into the caller's buffer afterwards. Only those threads, and
 * only while inside: a thread's interrupt status set by a stop is cleared when it leaves, so no interrupt leaks into
 * the next action a pipeline or starter thread works for.
 *
 * <p>A REMOVE is never interrupted: its Delete Blob, once sent, may take effect even if the call is abandoned, and an
 * action ended as canceled leaves the file ARCHIVED, which would then name a copy that is gone. A REMOVE hears of its
 * stop between attempts, as before.
 */
public final class ActionStop {
    private final boolean interruptible;
    private StopReason reason;
    private final Map<Thread, Integer> inside = new HashMap<>(); // thread -> nesting depth
    private final Set<Thread> interrupted = new HashSet<>();
    private final List<Runnable> onStop = new ArrayList<>();

    /** @param interruptible false for an action whose calls to the archive must run to their end (a REMOVE) */
    public ActionStop(boolean interruptible) {
        this.interruptible = interruptible;
    }

    /** Why the action must stop, or null. */
    public synchronized StopReason reason() {
        return reason;
    }

    /**
     * Stops the action for {@code why}; the first reason given wins, later calls do nothing. Threads inside a call to
     * the archive for it are interrupted, and what was registered with {@link #whenStopped} runs, on this thread.
     */
    public void stop(StopReason why) {
        List<Runnable> listeners;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            if (interruptible) {
                for (Thread thread : inside.keySet()) {
                    interrupted.add(thread);
                    thread.interrupt();
                }
            }
            listeners = List.copyOf(onStop);
            onStop.clear();
        }
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} when the action is stopped, or now if it already was. */
    public void whenStopped(Runnable listener) {
        synchronized (this) {
            if (reason == null) {
                onStop.add(listener);
                return;
            }
        }
        listener.run();
    }

    /** The calling thread starts a call to the archive for this action; a stop from now on interrupts it. */
    void enter() {
        Thread self = Thread.currentThread();
        synchronized (this) {
            inside.merge(self, 1, Integer::sum);
            if (reason != null && interruptible) {
                interrupted.add(self); // stopped already: the call fails at its first wait
                self.interrupt();
            }
        }
    }

    /** The calling thread is done with that call; an interrupt a stop gave it is cleared. */
    void exit() {
        Thread self = Thread.currentThread();
        synchronized (this) {
            if (inside.merge(self, -1, Integer::sum) > 0) {
                return;
            }
            inside.remove(self);
            if (interrupted.remove(self)) {
                Thread.interrupted();
            }
        }
    }
}

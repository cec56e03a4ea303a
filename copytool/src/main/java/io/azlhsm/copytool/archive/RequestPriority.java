package io.azlhsm.copytool.archive;

import java.time.Duration;

/**
 * Whom a request to the archive is for, so that every queue on its way to the wire can serve restores first: a reader
 * is usually blocked on a restore, while nobody waits on an archive, a remove or a job.
 *
 * <p>The priority is the action's, never guessed from the request: a restore's Get Blob Properties is as urgent as its
 * GETs, and an archive's reads (a conditional write checks what is there) are not. It travels with the calling thread
 * ({@link #during}): an action's calls to the archive all pass through one place (OutagePatience.call), which already
 * scopes the thread to the action for interrupts, and the queues (request slots, bandwidth limiters) are reached
 * through several layers of backends and uploads whose signatures it would otherwise have to cross. A thread outside
 * any action (a job, a CLI command) asks as {@link #OTHER}.
 *
 * <p>The rule every queue follows: a {@link #RESTORE} is served before any {@link #OTHER} request waiting with it,
 * except one that has waited {@link #AGING} or longer, which is served as a restore would be. So a burst of restores
 * goes first, and a flood of them (a prefetch of a million files) still lets archives move.
 */
public enum RequestPriority {
    /** For a RESTORE action: served first. */
    RESTORE,
    /** For anything else: archives, removes, jobs, commands. */
    OTHER;

    /** How long an {@link #OTHER} request waits at most behind restores that came after it, in every queue. */
    public static final Duration AGING = Duration.ofSeconds(10);

    private static final ThreadLocal<RequestPriority> CURRENT = new ThreadLocal<>();

    /** The priority of the calling thread's requests: its action's, or {@link #OTHER} outside any action. */
    public static RequestPriority current() {
        RequestPriority priority = CURRENT.get();
        return priority == null ? OTHER : priority;
    }

    /**
     * Makes the calling thread's requests this priority until the returned scope is closed (on the same thread),
     * which restores what was there before.
     */
    public static Scope during(RequestPriority priority) {
        RequestPriority previous = CURRENT.get();
        CURRENT.set(priority);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** The span of {@link #during}; closing it never throws. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}

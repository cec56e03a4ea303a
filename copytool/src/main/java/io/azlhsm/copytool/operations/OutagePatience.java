package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.RequestPriority;
import io.azlhsm.copytool.config.DurationText;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Waits out an outage of the archive that lasts longer than its client library's own retries, instead of failing the
 * action: the coordinator's default policy (NRA, NoRetryAction) fails any action ended with an error, HP_FLAG_RETRY or
 * not, so a blocked reader would get EIO and an archive would have to be requested again. A transient failure (network,
 * timeout, throttling, 5xx) is retried with backoff, from {@value #FIRST_DELAY_MS} ms doubling up to
 * {@value #MAX_DELAY_MS} ms, while the action is kept alive with progress reports (each resets the coordinator's
 * active_request_timeout), until {@code outage_patience} has passed since the first failure in a row. Then the action
 * fails, naming what failed, for how long, and why.
 *
 * <p>Every attempt and every backoff runs {@linkplain ActionStop#enter inside the action's stop}: a cancel from the
 * coordinator, or the end of the agent's grace, interrupts the request in flight (and the client library's own
 * retries and backoff within it, a bandwidth limiter's wait, a wait for a request slot) and ends the call at once
 * with the stop's outcome, whatever the interrupted call threw. They run with the action's
 * {@linkplain PatientAction#requestPriority priority}, so that every queue they meet on the way (request slots,
 * bandwidth limiters) serves a restore's requests first.
 */
public final class OutagePatience {
    public static final Duration DEFAULT = Duration.ofMinutes(30);
    static final long FIRST_DELAY_MS = 1000;
    static final long MAX_DELAY_MS = 15_000;
    private static final long POLL_MS = 100;
    private static final Logger LOG = Logger.getLogger(OutagePatience.class.getName());

    /** One call to the archive; it is made again after a transient failure, so it must be repeatable. */
    @FunctionalInterface
    public interface ArchiveCall<T> {
        T call() throws Exception;
    }

    private volatile Duration patience;

    public OutagePatience(Duration patience) {
        this.patience = patience;
    }

    /** Live change (SIGHUP): applies to waits in progress from their next attempt. */
    public void setPatience(Duration patience) {
        this.patience = patience;
    }

    public Duration patience() {
        return patience;
    }

    /**
     * Makes {@code call}, again after each transient failure until the patience runs out.
     *
     * @param doing what the call does, for messages ("uploading block 7 of blob dir/f")
     * @throws ActionFailure when the patience ran out (the archive's errno, cause attached), or when the action must
     *         stop (the stop reason's outcome)
     */
    <T> T call(PatientAction action, String doing, ArchiveCall<T> call) throws Exception {
        ActionStop stop = action.actionStop();
        stop.enter();
        try (RequestPriority.Scope priority = RequestPriority.during(action.requestPriority())) {
            return callWithin(action, doing, call);
        } catch (Exception e) {
            StopReason reason = action.stopReason();
            if (reason != null && !(e instanceof ActionFailure own && own.errno() == reason.outcome().errno())) {
                // an interrupted request fails in many ways (I/O, "interrupted", a reactor wrapper): the stop is why
                throw reason.failure("stopped (" + reason + ") while " + doing + ": " + e.getMessage(), e);
            }
            throw e;
        } finally {
            stop.exit();
        }
    }

    private <T> T callWithin(PatientAction action, String doing, ArchiveCall<T> call) throws Exception {
        long firstFailure = 0;
        int failures = 0;
        long delay = FIRST_DELAY_MS;
        while (true) {
            try {
                T result = call.call();
                if (failures > 0) {
                    LOG.info(action.describe() + ": " + doing + " succeeded after " + failures + " failed attempts over "
                            + DurationText.format(Duration.ofNanos(System.nanoTime() - firstFailure).withNanos(0)));
                }
                return result;
            } catch (ArchiveException e) {
                if (e.kind() != ArchiveException.Kind.TRANSIENT) {
                    throw e;
                }
                long now = System.nanoTime();
                if (failures++ == 0) {
                    firstFailure = now;
                }
                Duration limit = patience;
                Duration waited = Duration.ofNanos(now - firstFailure);
                if (waited.compareTo(limit) >= 0) {
                    throw new ActionFailure(e.errno(), e.retryable(), doing + " kept failing for "
                            + DurationText.format(waited.withNanos(0)) + ", the outage_patience (" + DurationText.format(limit)
                            + "); last failure: " + e.getMessage(), e);
                }
                stopIfAsked(action, doing, e);
                if (failures == 1) {
                    LOG.warning(action.describe() + ": " + doing + " failed: " + e.getMessage()
                            + "; retrying with backoff for up to " + DurationText.format(limit) + " (outage_patience)");
                } else {
                    int attempt = failures;
                    LOG.fine(() -> action.describe() + ": " + doing + " failed again (attempt " + attempt + "): "
                            + e.getMessage());
                }
                action.keepAlive();
                sleep(action, delay);
                stopIfAsked(action, doing, e);
                delay = Math.min(MAX_DELAY_MS, delay * 2);
            }
        }
    }

    private static void stopIfAsked(PatientAction action, String doing, ArchiveException last) throws Exception {
        StopReason reason = action.stopReason();
        if (reason != null) {
            throw reason.failure("stopped (" + reason + ") while " + doing + " waited for the archive; last failure: "
                    + last.getMessage(), last);
        }
        if (action.abandoned()) {
            throw last;
        }
    }

    private static void sleep(PatientAction action, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (action.stopReason() == null && !action.abandoned()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(POLL_MS, Math.max(1, left / 1_000_000)));
        }
    }
}

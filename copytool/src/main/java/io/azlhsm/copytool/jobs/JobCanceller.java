package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code copytool cancel [ID]}: asks the running job (by default the only one holding the lock) to stop and waits for
 * its record to show the end. A crashed job (not running, not ended) is marked Canceled so no later run resumes it.
 */
public final class JobCanceller {
    /** What happened, as one sentence for the terminal; {@code ok} false when nothing could be canceled. */
    public record Result(boolean ok, String message) {
    }

    private final JobStore store;
    private final Duration staleAfter;
    private final Clock clock;

    public JobCanceller(JobStore store, Duration staleAfter, Clock clock) {
        this.store = store;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    public Result cancel(Optional<String> requestedId, Duration wait) throws IOException, InterruptedException {
        List<LockHolder> holders = store.lockHolders();
        if (requestedId.isEmpty() && holders.size() > 1) {
            return new Result(false, holders.size() + " jobs are running ("
                    + String.join(", ", holders.stream().map(h -> h.jobId() + " on " + h.scope().describe()).toList())
                    + "): name the one to cancel");
        }
        String id = requestedId.or(() -> holders.stream().findFirst().map(LockHolder::jobId)).orElse(null);
        if (id == null) {
            return crashedToCancel().orElse(new Result(false, "no job is running"));
        }
        Optional<JobRecord> record = store.read(id);
        Optional<LockHolder> holder = holders.stream().filter(h -> h.jobId().equals(id)).findFirst();
        boolean holdsLock = holder.isPresent();
        if (record.isEmpty() && !holdsLock) {
            return new Result(false, "no job " + id + " (copytool jobs lists them)");
        }
        if (record.isPresent() && record.get().crashed()) {
            return new Result(true, abandon(record.get()));
        }
        if (record.isPresent() && record.get().state().terminal()) {
            return new Result(false, "job " + id + " already ended " + record.get().state().display());
        }
        if (holdsLock && new JobLock(store, staleAfter, clock).staleness(holder.get(), record).isPresent()) {
            // Its process is gone: recover its claim now (marks the record crashed), then abandon it. No claim of our
            // own: other jobs may be running beside it.
            new JobLock(store, staleAfter, clock).recoverIfStale(holder.get());
            Optional<JobRecord> crashed = store.read(id);
            return new Result(true, crashed.map(this::abandonQuietly).orElse("job " + id + " was not running"));
        }
        store.requestCancel(id);
        Instant deadline = Instant.now(clock).plus(wait);
        while (Instant.now(clock).isBefore(deadline)) {
            Optional<JobRecord> now = store.read(id);
            if (now.isPresent() && now.get().state().terminal()) {
                return new Result(true, "job " + id + " ended " + now.get().state().display());
            }
            Thread.sleep(200);
        }
        return new Result(true, "cancel of " + id + " requested; it has not ended yet (copytool jobs " + id
                + " shows its state)");
    }

    private Optional<Result> crashedToCancel() throws IOException {
        return store.list().stream().findFirst().filter(JobRecord::crashed)
                .map(r -> new Result(true, abandonQuietly(r)));
    }

    private String abandonQuietly(JobRecord record) {
        try {
            return abandon(record);
        } catch (IOException e) {
            return "cannot mark " + record.id() + " canceled: " + e.getMessage();
        }
    }

    private String abandon(JobRecord record) throws IOException {
        store.write(record.with(JobState.CANCELED, record.ended() == null ? Instant.now(clock) : record.ended(),
                false, "canceled after a crash (" + record.message() + ")"));
        return "job " + record.id() + " had crashed; marked Canceled, it will not be resumed";
    }
}

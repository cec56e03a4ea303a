package io.azlhsm.copytool.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dry run's {@link JobChanges}: makes no change. Each change it is asked for becomes a {@code WOULD} line of the
 * job's (local) log, and the first {@code keep} are kept for the summary the terminal shows, with the count of all.
 */
public final class RecordedChanges implements JobChanges {
    private final JobLog log;
    private final int keep;
    private final List<String> first = new ArrayList<>();
    private final AtomicLong count = new AtomicLong();

    RecordedChanges(JobLog log, int keep) {
        this.log = log;
        this.keep = keep;
    }

    @Override
    public boolean dryRun() {
        return true;
    }

    @Override
    public <E extends Exception> void apply(String action, String path, String blob, Change<E> change) {
        String line = action + (path == null ? "" : " " + path) + (blob == null ? "" : " (blob " + blob + ")");
        log.would(line);
        count.incrementAndGet();
        synchronized (first) {
            if (first.size() < keep) {
                first.add(line);
            }
        }
    }

    @Override
    public <E extends Exception> void applyToAll(String action, List<String> paths, Change<E> change) {
        for (String path : paths) {
            apply(action, path, null, change);
        }
    }

    /** How many changes the run would have made. */
    public long count() {
        return count.get();
    }

    /** The first of them, in the order they were asked for (at most {@code keep}). */
    public List<String> first() {
        synchronized (first) {
            return List.copyOf(first);
        }
    }
}

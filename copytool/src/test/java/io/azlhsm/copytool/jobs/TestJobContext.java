package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreLibrary;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A job context that keeps what the job logged, for tests that run a job's {@code run} directly. */
public final class TestJobContext implements JobContext {
    private final Path mount;
    private final CopytoolConfig config;
    private final LustreLibrary library;
    private final HsmFiles hsm;
    private final JobCounters counters = new JobCounters();
    public final List<String> errors = new CopyOnWriteArrayList<>();
    public final List<String> infos = new CopyOnWriteArrayList<>();
    public final AtomicLong filesDone = new AtomicLong();
    public final AtomicLong bytesDone = new AtomicLong();
    private final AtomicBoolean cancel = new AtomicBoolean();

    TestJobContext(Path mount, CopytoolConfig config, LustreLibrary library, HsmFiles hsm) {
        this.mount = mount;
        this.config = config;
        this.library = library;
        this.hsm = hsm;
    }

    @Override
    public Path mount() {
        return mount;
    }

    @Override
    public CopytoolConfig config() {
        return config;
    }

    @Override
    public LustreLibrary library() {
        return library;
    }

    @Override
    public HsmFiles hsm() {
        return hsm;
    }

    @Override
    public JobCounters counters() {
        return counters;
    }

    public long counter(String name) {
        Long value = counters.snapshot().get(name);
        if (value == null) {
            throw new AssertionError("no counter '" + name + "' in " + counters.snapshot());
        }
        return value;
    }

    @Override
    public JobLog log() {
        return new JobLog() {
            @Override
            public void info(String message) {
                infos.add(message);
            }

            @Override
            public void error(String path, String blob, String cause) {
                errors.add(path + " (blob " + blob + "): " + cause);
            }

            @Override
            public void conflict(String path, String blob, String resolution) {
                infos.add("conflict " + path + " " + blob + " " + resolution);
            }
        };
    }

    @Override
    public JobProgress progress() {
        return new JobProgress() {
            @Override
            public void setTotal(long files, long bytes) {
            }

            @Override
            public void advance(long files, long bytes) {
                filesDone.addAndGet(files);
                bytesDone.addAndGet(bytes);
            }
        };
    }

    public void cancel() {
        cancel.set(true);
    }

    @Override
    public void checkCancelled() {
        if (cancel.get()) {
            throw new JobCancelledException("cancelled by the test");
        }
    }

    @Override
    public boolean cancelRequested() {
        return cancel.get();
    }
}

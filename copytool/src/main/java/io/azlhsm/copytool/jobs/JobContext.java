package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreLibrary;
import java.nio.file.Path;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public interface JobContext {
    Path mount();

    CopytoolConfig config();

    LustreLibrary library();

    HsmFiles hsm();

    JobCounters counters();

    JobLog log();

    JobProgress progress();

    void checkCancelled();

    boolean cancelRequested();
}

package io.azlhsm.copytool.architecture.crossed.agent;

import io.azlhsm.copytool.architecture.crossed.jobs.Job;

/** A fixture for ArchitectureTest: an agent that uses a job, which the layers forbid. */
public final class Daemon {
    public int run() {
        return new Job().items();
    }
}

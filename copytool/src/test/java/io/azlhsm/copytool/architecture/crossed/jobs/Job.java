package io.azlhsm.copytool.architecture.crossed.jobs;

import io.azlhsm.copytool.architecture.crossed.agent.Daemon;

/** A fixture for ArchitectureTest: a job that uses the agent back (a cycle as well as a crossed layer). */
public final class Job {
    public int items() {
        return 1;
    }

    public Daemon daemon() {
        return new Daemon();
    }
}

package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.metrics.AgentMetrics;
import java.nio.file.Path;

/**
 * Metrics the agent's endpoint shows that come from outside the agent, such as the file system's last
 * {@code copytool check} (kept by the jobs, which the agent may not depend on). The command line, which knows both,
 * hands them in.
 */
@FunctionalInterface
public interface MetricsContribution {
    MetricsContribution NONE = (metrics, mount) -> { };

    /** Adds gauges to {@code metrics} for the file system mounted at {@code mount}; called once, before registering. */
    void register(AgentMetrics metrics, Path mount);
}

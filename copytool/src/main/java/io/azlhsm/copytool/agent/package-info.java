/**
 * The copytool daemon ({@code copytool agent}): {@link io.azlhsm.copytool.agent.AgentLauncher} builds the backends
 * and registers with the coordinator; {@link io.azlhsm.copytool.agent.Agent} receives action lists ({@link
 * io.azlhsm.copytool.agent.ReceiveLoop}), queues and admits them ({@link io.azlhsm.copytool.agent.ActionDispatcher},
 * restores first), reports progress and serves metrics; {@link io.azlhsm.copytool.agent.AgentService} handles the
 * process's signals (stop with grace periods, reload, statistics); {@link io.azlhsm.copytool.agent.MountLock} keeps
 * one agent per mount. Uses {@code operations} and everything below it; never the jobs or the command line (what
 * the agent shows of the jobs comes in through {@link io.azlhsm.copytool.agent.MetricsContribution}).
 */
package io.azlhsm.copytool.agent;

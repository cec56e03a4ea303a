/**
 * The {@code copytool} command line ({@link io.azlhsm.copytool.cli.Main}) and its logging setup. The agent engine
 * plugs in through {@link io.azlhsm.copytool.agent.AgentRunner}.
 */
package io.azlhsm.copytool.cli;

/**
 * One MDT's HSM coordinator as mdt_coordinator.c runs it: {@link io.azlhsm.testcluster.coordinator.Coordinator}
 * owns the request life cycle under one lock; the request checks, restore handles, agents, action lists, outcomes,
 * the action table and log, the tunables and the periodic pass are classes of their own that run under that lock.
 */
package io.azlhsm.testcluster.coordinator;

/**
 * One MDT's HSM coordinator as mdt_coordinator.c and mdt_hsm_cdt_*.c run it:
 * {@link io.azlhsm.testcluster.coordinator.Coordinator} owns the request life cycle under one lock, its own monitor;
 * every other job (request checks, restore handles, references, cookies, the restart, the action table and log,
 * cancels, dispatch, timeouts, the periodic pass, agents, outcomes, blocking restores, hsm_control, parameters, file
 * states) is a class of its own with no lock of its own, called holding that monitor or taking it itself. Uses the
 * namespace and the changelogs; never the client mounts or the protocol.
 */
package io.azlhsm.testcluster.coordinator;

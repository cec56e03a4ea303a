/**
 * One HSM action from begin to end, as lhsmtool_posix.c does it: {@link io.azlhsm.copytool.operations.ActionStarter}
 * begins it; ARCHIVE and RESTORE run as transfers on the pipeline ({@link io.azlhsm.copytool.operations.ArchiveTransfer},
 * {@link io.azlhsm.copytool.operations.RestoreTransfer}), REMOVE at once ({@link
 * io.azlhsm.copytool.operations.RemoveOperation}); the record that ties a file to its blob ({@link
 * io.azlhsm.copytool.operations.ArchiveRecord}) and the checks that a restore reads exactly that blob live here too.
 * Uses the binding, the pipeline, the backends, configuration, metrics and ownership; never the agent, the jobs or
 * the command line, which both drive actions through it.
 */
package io.azlhsm.copytool.operations;

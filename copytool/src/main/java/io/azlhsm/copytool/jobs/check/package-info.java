/**
 * {@code copytool check}: {@link io.azlhsm.copytool.jobs.check.CheckJob} runs one pass
 * ({@link io.azlhsm.copytool.jobs.check.CheckPass}) that merges a name-ordered walk of the tree
 * ({@link io.azlhsm.copytool.jobs.check.SortedTreeWalk}) with the name-ordered blob listing
 * ({@link io.azlhsm.copytool.jobs.check.BlobStream}); files are judged by
 * {@link io.azlhsm.copytool.jobs.check.FileJudge}, blobs nobody at their path records by a spill join
 * ({@link io.azlhsm.copytool.jobs.check.UnclaimedBlobs}) and {@link io.azlhsm.copytool.jobs.check.BlobOwners};
 * results go to {@link io.azlhsm.copytool.jobs.check.CheckReport}. {@code --deep} reads blobs back
 * ({@link io.azlhsm.copytool.jobs.check.BlobChecksums}), {@code --repair} acts through
 * {@link io.azlhsm.copytool.jobs.check.Repairs}, {@code --collect-orphans} through
 * {@link io.azlhsm.copytool.jobs.check.OrphanCollector}; {@link io.azlhsm.copytool.jobs.check.LastCheckGauges} shows
 * the last check in the agent's metrics.
 */
package io.azlhsm.copytool.jobs.check;

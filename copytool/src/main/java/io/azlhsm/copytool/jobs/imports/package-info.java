/**
 * {@code copytool import}: {@link io.azlhsm.copytool.jobs.imports.ImportJob} lists a container's blobs page by page
 * and makes each a released stub ({@link io.azlhsm.copytool.jobs.imports.EntryImporter}, {@link
 * io.azlhsm.copytool.jobs.imports.StubPlacement}) or a directory ({@link io.azlhsm.copytool.jobs.imports.DirectoryMaker})
 * under the conflict mode chosen ({@link io.azlhsm.copytool.jobs.imports.ConflictMode}), with checkpoints so a crashed
 * import resumes ({@link io.azlhsm.copytool.jobs.imports.ListingCheckpoint}) and memory bounded by the tree's depth
 * ({@link io.azlhsm.copytool.jobs.imports.DirectoryScopes}).
 */
package io.azlhsm.copytool.jobs.imports;

/**
 * {@code copytool export}: {@link io.azlhsm.copytool.jobs.export.ExportJob} archives new and changed files under a
 * path through the coordinator, writes directory marker blobs ({@link io.azlhsm.copytool.jobs.export.DirectoryMarkers})
 * and symlink blobs ({@link io.azlhsm.copytool.jobs.export.SymlinkBlobs}); {@link
 * io.azlhsm.copytool.jobs.export.Exporter} is the part auto-export shares.
 */
package io.azlhsm.copytool.jobs.export;

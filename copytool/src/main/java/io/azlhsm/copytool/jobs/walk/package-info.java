/**
 * Walking a mounted tree for the jobs: {@link io.azlhsm.copytool.jobs.walk.NamespaceWalker} (depth first, never
 * following symlinks, leaving out the jobs' own files and {@code .lustre}) and the paths it hands out ({@link
 * io.azlhsm.copytool.jobs.walk.MountPaths}).
 */
package io.azlhsm.copytool.jobs.walk;

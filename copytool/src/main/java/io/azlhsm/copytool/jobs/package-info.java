/**
 * The blob-integration job framework: {@link io.azlhsm.copytool.jobs.JobRunner} runs one
 * {@link io.azlhsm.copytool.jobs.Job} at a time per path under a lock in {@code <mount>/.azlhsm/} (jobs on paths
 * that do not overlap run side by side, see {@link io.azlhsm.copytool.jobs.JobLock}), with a
 * record readable by {@code copytool jobs}, cancel requests, progress on the terminal and a job log copied to the
 * archive's logging container. Import lives in {@code jobs.imports}; export, auto-export, prefetch, release, tier and
 * check in their own sub-packages.
 */
package io.azlhsm.copytool.jobs;

/**
 * {@code copytool prefetch}: {@link io.azlhsm.copytool.jobs.prefetch.PrefetchJob} restores released files ahead of use
 * through the coordinator, a bounded number at a time, or with {@code --rehydrate-only} only starts the rehydration
 * of their Archive-tier blobs ({@link io.azlhsm.copytool.jobs.prefetch.RehydrationStarter}).
 */
package io.azlhsm.copytool.jobs.prefetch;

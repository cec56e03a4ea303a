/**
 * {@code copytool tier}: {@link io.azlhsm.copytool.jobs.tier.TierJob} moves the blobs of archived, clean files to a
 * cheaper access tier by age and size, and estimates the monthly cost difference ({@link
 * io.azlhsm.copytool.jobs.tier.TierCost}).
 */
package io.azlhsm.copytool.jobs.tier;

/**
 * {@code copytool release}: {@link io.azlhsm.copytool.jobs.release.ReleaseJob} frees capacity by releasing archived,
 * clean files whose recorded blob is still there, optionally by age and size.
 */
package io.azlhsm.copytool.jobs.release;

/**
 * {@code copytool policy}: {@link io.azlhsm.copytool.jobs.policy.PolicyJob} applies the configuration's
 * {@code policy.*} rules continuously: the archive rule archives new and changed files after a quiet time, the release
 * rule frees space by watermarks, least recently accessed first.
 */
package io.azlhsm.copytool.jobs.policy;

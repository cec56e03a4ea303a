/**
 * Bandwidth limits: {@link io.azlhsm.copytool.limits.BandwidthLimiter} (a token bucket in bytes per second that serves
 * restores first) and {@link io.azlhsm.copytool.limits.ThrottledBackend}, a backend wrapper whose data requests take
 * their bytes from the archive's and the agent's limiters. Uses {@code archive} and {@code metrics} only.
 */
package io.azlhsm.copytool.limits;

/**
 * HSM requests for many files at once: {@link io.azlhsm.copytool.jobs.requests.BoundedHsmRequests} sends them through
 * the coordinator in batches Lustre accepts, keeps at most a bound of them outstanding, and reports how each ended.
 * Export, prefetch, check and auto-export use it; the agents on any node do the copies.
 */
package io.azlhsm.copytool.jobs.requests;

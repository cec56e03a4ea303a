/**
 * What the agent measures and how it is shown: {@link io.azlhsm.copytool.metrics.AgentMetrics} (counters, gauges,
 * latency histograms in microseconds), {@link io.azlhsm.copytool.metrics.MeasuredBackend} (every backend request timed
 * by kind), the Prometheus text of the metrics endpoint ({@link io.azlhsm.copytool.metrics.PrometheusText}) and the
 * human summary of {@code copytool status} and SIGUSR1 ({@link io.azlhsm.copytool.metrics.StatusReport}). Uses
 * {@code archive} only (the backend contract it wraps).
 */
package io.azlhsm.copytool.metrics;

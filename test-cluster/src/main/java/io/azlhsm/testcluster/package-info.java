/**
 * The simulated Lustre file system that stands in for a real one under the copytool's tests: {@link
 * io.azlhsm.testcluster.ClusterDaemon} runs one file system (namespace, a coordinator per MDT, client mounts, the
 * socket libhsmsim talks to). It behaves as Lustre's sources say by default (see test-cluster/README.md for what
 * is simulated faithfully and what not) and never uses the copytool's classes (an architecture test checks it).
 */
package io.azlhsm.testcluster;

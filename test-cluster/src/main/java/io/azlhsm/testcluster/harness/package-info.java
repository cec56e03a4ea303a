/**
 * What tests use to run the simulated cluster and Azurite as a user would: {@link
 * io.azlhsm.testcluster.harness.Cluster} (started with {@code bin/cluster up}, driven through {@code lfs} and {@code
 * lctl}), {@link io.azlhsm.testcluster.harness.AzuriteServer}, {@link io.azlhsm.testcluster.harness.HoldingProxy} (a
 * proxy in front of Azurite that holds, counts and fails requests where Azurite cannot be made to), JUnit extensions.
 * Process life cycle only: it never reaches into the daemon's classes.
 */
package io.azlhsm.testcluster.harness;

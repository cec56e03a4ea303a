/**
 * The daemon's Unix socket and the line protocol libhsmsim speaks over it (test-cluster/PROTOCOL.md): {@link
 * io.azlhsm.testcluster.protocol.ProtocolServer} (connections, the copytools' channels) and {@link
 * io.azlhsm.testcluster.protocol.RequestHandler} (one request line to one reply line), with the caller's identity
 * taken from the socket ({@link io.azlhsm.testcluster.protocol.PeerIdentity}).
 */
package io.azlhsm.testcluster.protocol;

/**
 * The file system's metadata over a backing directory: FIDs, HSM attributes and data versions in the backing
 * files' xattrs ({@link io.azlhsm.testcluster.namespace.Namespace}), layouts, the HSM flag rules. Used by the
 * coordinator, the client mounts and the protocol; uses nothing of theirs.
 */
package io.azlhsm.testcluster.namespace;

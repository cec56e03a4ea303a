/**
 * A Lustre client mount over FUSE ({@link io.azlhsm.testcluster.fuse.ClientMount}): what llite shows of a file
 * (FIDs, {@code .lustre/fid}, data versions, the DIRTY flag, released files, xattrs as llite allows them) and the
 * implicit restore a read or write of a released file waits for. Uses the coordinator, the namespace, the changelogs
 * and the protocol's mount registry.
 */
package io.azlhsm.testcluster.fuse;

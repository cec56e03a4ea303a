package io.azlhsm.testcluster.fuse;

/**
 * The state of a client's MDC imports, one per MDT (lctl set_param mdc.FSNAME-MDTxxxx-mdc-INSTANCE.active). While an
 * MDC is inactive its import is invalid and every metadata request through it fails with ESHUTDOWN (ptlrpc/client.c
 * ptlrpc_import_delay_req 1407-1411), which user space sees as "Cannot send after transport endpoint shutdown".
 */
@FunctionalInterface
public interface MdcImports {
    /** Whether client uuid's MDC of MDT mdt is active. */
    boolean active(String uuid, int mdt);
}

package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.namespace.Namespace;

/**
 * How the simulated client treats an extended attribute, by its name, following llite's xattr handlers.
 *
 * <p>Root-only access to {@code trusted.*} is not decided here: the kernel's VFS refuses those names to a caller
 * without CAP_SYS_ADMIN (EPERM to set or remove, ENODATA to get) before FUSE is asked, as it does before asking
 * Lustre (llite's own xattr_type_filter, llite/xattr.c:58-60, would answer EPERM, but get and set never reach it for
 * such a caller). Only listings reach the file system whoever calls, so {@link XattrOperations#list} hides them
 * itself, as llite does (ll_listxattr drops what xattr_type_filter refuses, xattr.c:818).
 */
enum XattrNamespace {
    /** trusted.lma, trusted.hsm, trusted.link: kept by the MDT; shown, never set by a client (sets are ignored). */
    MDT_OWN,
    /** trusted.hsmsim.*: the simulator's own state (the data version); a Lustre client has no such attribute. */
    SIMULATOR,
    /**
     * lustre.lov and trusted.lov: a regular file's striping, kept by the simulator ({@code FileLayouts}), never
     * stored under this name (xattr.c ll_xattr_get/ll_xattr_set hand "lov" of either prefix to the layout code).
     */
    LAYOUT,
    /** user.*: only on a mount with {@code user_xattr} (see {@link MountOptions}); stored on the backing file. */
    USER,
    /** Any other trusted.* name: stored on the backing file, root only. */
    TRUSTED,
    /** system.posix_acl_access / _default: passed through to the backing file. */
    POSIX_ACL,
    /** Everything else (security.*, unknown prefixes): readable from the backing file, never set. */
    OTHER;

    /** XATTR_LUSTRE_LOV */
    static final String LUSTRE_LOV = "lustre.lov";

    static XattrNamespace of(String name) {
        if (name.equals(Namespace.LMA) || name.equals(Namespace.HSM) || name.equals("trusted.link")) {
            return MDT_OWN;
        }
        if (name.equals(LUSTRE_LOV) || name.equals("trusted.lov")) {
            return LAYOUT;
        }
        if (name.startsWith("trusted.hsmsim.")) {
            return SIMULATOR;
        }
        if (name.startsWith("trusted.")) {
            return TRUSTED;
        }
        if (name.startsWith("user.")) {
            return USER;
        }
        if (name.startsWith("system.posix_acl_")) {
            return POSIX_ACL;
        }
        return OTHER;
    }
}

package io.azlhsm.testcluster.fuse;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the client mounts' kernels coherent about the file system root, whose attributes they are allowed to keep
 * ({@link FuseSessionLoop} answers its GETATTRs valid for a day). Every path walk from the mount point checks
 * permission on the root, so with zero timeouts the root alone was asked for about 22 times per archive, release and
 * restore of a file, a sixth of all FUSE requests.
 *
 * <p>Rather than find every place that may change the root (a create or unlink in it through any mount or through
 * {@code .lustre/fid/<root FID>}, a readdir's atime, libfuse's removal of a hidden file at a release, a restore's
 * layout swap of a file in it, {@code lfs mkdir}, an MDC deactivated so that its stat must fail with ESHUTDOWN),
 * {@link #check} compares what a stat of the root answers (and whether each client's MDC of MDT0 is active) with what
 * it answered at the last check, and on any difference tells each mount's kernel to forget the root's attributes.
 * It runs before the reply of every FUSE request that may change something and of every daemon request, so whatever
 * follows such a reply sees the root as it is. A GETATTR answered before the change and arriving after the
 * notification is discarded by the kernel (the notification bumps the inode's attr_version). The mounts' own
 * changes in the root are also forgotten by their kernel itself (fuse_dir_changed).
 */
final class RootCoherence {
    private final Path backingRoot;
    private final MdcImports imports;
    /** Each mount and the root as its kernel may hold it (what was last checked). */
    private final Map<ClientMount, Object> known = new ConcurrentHashMap<>();

    RootCoherence(Path backingRoot, MdcImports imports) {
        this.backingRoot = backingRoot;
        this.imports = imports;
    }

    void add(ClientMount m) {
        known.put(m, "not checked yet");
        check();
    }

    void remove(ClientMount m) {
        known.remove(m);
    }

    /**
     * Tells each mount whose root differs from what it was last told to forget it. Synchronized, and invalidating
     * under the lock: a second request that changed the root too waits here until the first one's notification is
     * out, so neither reply can overtake it.
     */
    synchronized void check() {
        if (known.isEmpty()) {
            return;
        }
        Object attributes;
        try {
            attributes = BackingStat.lstat(backingRoot);
        } catch (BackingStat.StatException e) {
            attributes = e.errno(); // unreadable now: differs from any attributes, and the getattr will fail too
        }
        for (Map.Entry<ClientMount, Object> e : known.entrySet()) {
            ClientMount m = e.getKey();
            Object seen = new Seen(attributes, imports.active(m.uuid(), 0));
            if (!Objects.equals(seen, e.getValue())) {
                m.invalidateRoot();
                e.setValue(seen);
            }
        }
    }

    private record Seen(Object attributes, boolean mdcActive) {
    }
}

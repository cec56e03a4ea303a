package io.azlhsm.testcluster.protocol;

import io.azlhsm.testcluster.SimulatorException;

import java.nio.file.Path;
import java.util.List;

/** The client mounts of the file system, each with its client UUID (the agent identity of its copytool). */
public interface ClientMounts {
    /** The UUID of the client mounted at mountPoint, ENOENT if there is none. */
    String uuidOf(Path mountPoint) throws SimulatorException;

    /**
     * Mounts one more client at mountPoint and returns its UUID.
     *
     * @param options Lustre client mount options, comma-separated as for {@code mount -o} (null or empty: defaults);
     *                EINVAL for one the simulator does not know
     */
    String mount(Path mountPoint, String options) throws SimulatorException;

    List<Path> mountPoints();

    /** The FUSE requests the client mounted at mountPoint served, by opcode name; ENOENT if there is none. */
    java.util.Map<String, Long> fuseRequests(Path mountPoint) throws SimulatorException;

    /**
     * Called after a request changed what it changes and before its reply is written: the client mounts' kernels
     * forget the root's attributes if they changed (a restore's layout swap in the root directory, a striped mkdir,
     * an MDC deactivated), as a Lustre client's lock on them would be cancelled.
     */
    default void rootMayHaveChanged() {
    }

    /** Every client mount, in mount order. */
    List<Client> clients();

    /**
     * A client mount: its mount point, its UUID and its instance, the name its devices carry
     * ({@code FSNAME-MDT0000-mdc-INSTANCE}, what {@code lfs getname -i} prints). On Lustre the instance is the address
     * of the client's super block as 16 hex digits (llite_lib.c ll_fill_super 1494, 1620: "%s-%016lx",
     * obd_class.h ll_get_cfg_instance); the simulator takes 16 hex
     * digits of the UUID, so that it is stable for the mount's life and differs between mounts.
     */
    record Client(Path mountPoint, String uuid) {
        public String instance() {
            return uuid.replace("-", "").substring(0, 16);
        }
    }
}

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
}

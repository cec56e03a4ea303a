package io.azlhsm.testcluster.protocol;

import io.azlhsm.testcluster.SimulatorException;

import java.nio.file.Path;
import java.util.List;

/** The client mounts of the file system, each with its client UUID (the agent identity of its copytool). */
public interface ClientMounts {
    /** The UUID of the client mounted at mountPoint, ENOENT if there is none. */
    String uuidOf(Path mountPoint) throws SimulatorException;

    /** Mounts one more client at mountPoint and returns its UUID. */
    String mount(Path mountPoint) throws SimulatorException;

    List<Path> mountPoints();
}

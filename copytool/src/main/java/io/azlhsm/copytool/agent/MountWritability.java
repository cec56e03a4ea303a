package io.azlhsm.copytool.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the agent may write the Lustre mount it serves. It must: a restore writes the file's data there, and jobs
 * keep their records under it. An agent that registered on a mount it may not write would take every RESTORE and fail
 * each with EROFS, so every read of a released file fails. The usual cause is the systemd unit's
 * {@code ProtectSystem=strict}, which leaves every path read-only that {@code ReadWritePaths=} does not name; so the
 * refusal, made before registering, says which line the unit needs.
 */
public final class MountWritability {
    private MountWritability() {
    }

    /**
     * The reason the agent may not serve {@code mount}, or empty when it may write it (access(2) with W_OK: EROFS for a
     * read-only mount, also one made read-only for this process only, as a systemd unit's namespace does).
     */
    public static Optional<String> refusal(Path mount) {
        if (!Files.isDirectory(mount) || Files.isWritable(mount)) {
            return Optional.empty(); // a missing mount is reported by the registration, naming the mount
        }
        return Optional.of("mount " + mount + " is read-only for the agent, so no restore could write a file's data;"
                + " under systemd, the unit's ProtectSystem=strict makes it so unless the unit names it: add"
                + " ReadWritePaths=" + mount + " in a drop-in (systemctl edit azlhsm-copytool)");
    }
}

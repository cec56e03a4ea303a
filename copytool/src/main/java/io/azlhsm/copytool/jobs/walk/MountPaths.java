package io.azlhsm.copytool.jobs.walk;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Turns a path a user gave a job into an absolute path inside the mount, refusing one outside it. */
public final class MountPaths {
    private MountPaths() {
    }

    /**
     * @param given relative to the mount ("" or "/" = the whole file system), or absolute under the mount
     * @throws IllegalArgumentException naming the path when it leaves the mount
     * @throws NoSuchFileException      when it does not exist
     */
    public static Path resolve(Path mount, String given) throws NoSuchFileException {
        Path root = mount.toAbsolutePath().normalize();
        Path path;
        if (given == null || given.isEmpty() || given.equals("/")) {
            path = root;
        } else {
            Path asGiven = Path.of(given);
            path = (asGiven.isAbsolute() && asGiven.normalize().startsWith(root) ? asGiven
                    : root.resolve(given.startsWith("/") ? given.substring(1) : given)).normalize();
        }
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("path '" + given + "' is outside the file system mounted at " + root);
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(path.toString(), null, "no such file or directory under the mount");
        }
        return path;
    }
}

package io.azlhsm.copytool.jobs.imports;

import java.nio.file.Path;

/**
 * Where an imported entry goes: its path under the target, for messages, counts and checks ({@code path}), and the
 * path every system call on it uses ({@code reach}), {@code /proc/self/fd/<parent's descriptor>/<name>}, which reaches
 * it through its parent directory's open descriptor and so never through a directory swapped for a symlink meanwhile
 * (see {@link DirectoryMaker}). Valid while that descriptor is open.
 */
record Place(Path path, Path reach) {
}

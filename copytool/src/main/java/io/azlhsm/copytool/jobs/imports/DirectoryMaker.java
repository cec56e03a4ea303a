package io.azlhsm.copytool.jobs.imports;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates the directories of the imported tree (implied by blob names or named by {@code hdi_isfolder} blobs) under
 * the target, each once, with AMLFS's default directory mode 0777. Never follows a symlink: an existing component that
 * is not a real directory is an error, so no name can lead outside the target.
 */
final class DirectoryMaker {
    private final Path target;
    private final Runnable created;
    private final Set<Path> known = ConcurrentHashMap.newKeySet();
    private final Set<Path> createdByUs = ConcurrentHashMap.newKeySet();

    /** @param created told of each directory this job creates (in the creating thread) */
    DirectoryMaker(Path target, Runnable created) {
        this.target = target;
        this.created = created;
    }

    /** True when this job created the directory (now or earlier in this run). */
    boolean createdByThisJob(Path dir) {
        return createdByUs.contains(dir);
    }

    /** Makes {@code dir} and its missing ancestors below the mount; true when {@code dir} itself was created now. */
    boolean ensure(Path dir) throws IOException {
        if (known.contains(dir)) {
            return false;
        }
        List<Path> chain = new ArrayList<>();
        for (Path p = dir; p != null && p.startsWith(target); p = p.getParent()) {
            chain.add(0, p);
        }
        // One creator at a time: two workers needing the same new parent must agree on who created it.
        synchronized (this) {
            boolean createdDir = false;
            for (Path p : chain) {
                if (known.contains(p)) {
                    continue;
                }
                try {
                    Files.createDirectory(p);
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
                    created.run();
                    createdByUs.add(p);
                    createdDir = p.equals(dir);
                } catch (FileAlreadyExistsException exists) {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException(target.relativize(p) + " exists and is not a directory"
                                + (Files.isSymbolicLink(p) ? " (a symlink, never followed)" : ""));
                    }
                }
                known.add(p);
            }
            return createdDir;
        }
    }
}

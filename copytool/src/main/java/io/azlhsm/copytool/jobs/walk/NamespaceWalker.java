package io.azlhsm.copytool.jobs.walk;

import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.jobs.imports.ImportMarker;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Walks a tree of the mount depth first without following symlinks, leaving out what belongs to the jobs
 * themselves: the framework's {@code <mount>/.azlhsm} directory and the {@code IMPORT_<state>.<timestamp>} marker
 * file of a running import in the mount's root; and Lustre's {@code <mount>/.lustre} (FID access), in case a
 * client lists it.
 */
public final class NamespaceWalker {
    private final Path mount;

    public NamespaceWalker(Path mount) {
        this.mount = mount.toAbsolutePath().normalize();
    }

    /** True for the paths every job leaves alone. */
    public boolean isJobState(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        if (normal.equals(mount.resolve(JobStore.DIRECTORY_NAME)) || normal.equals(mount.resolve(".lustre"))) {
            return true;
        }
        return mount.equals(normal.getParent()) && ImportMarker.isMarkerName(normal.getFileName().toString());
    }

    /**
     * @param start a directory or file under the mount (absolute)
     * @throws Exception what the visitor threw, unchanged; IOException when start itself cannot be read
     */
    public void walk(Path start, NamespaceVisitor visitor) throws Exception {
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (isJobState(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    call(() -> visitor.directory(dir, attrs));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (isJobState(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isRegularFile()) {
                        call(() -> visitor.file(file, attrs));
                    } else if (!attrs.isDirectory()) {
                        call(() -> visitor.other(file, attrs));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (file.equals(start)) {
                        throw exc;
                    }
                    call(() -> visitor.failed(file, exc));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) {
                        call(() -> visitor.failed(dir, exc));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (VisitorFailure failure) {
            throw failure.cause;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void call(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            throw new VisitorFailure(e);
        }
    }

    /** Carries a visitor's exception through walkFileTree, whose visitor methods may throw only IOException. */
    private static final class VisitorFailure extends RuntimeException {
        private final Exception cause;

        VisitorFailure(Exception cause) {
            super(cause);
            this.cause = cause;
        }
    }
}

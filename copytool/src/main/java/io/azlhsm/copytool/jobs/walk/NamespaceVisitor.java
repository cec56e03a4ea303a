package io.azlhsm.copytool.jobs.walk;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What a {@link NamespaceWalker} reports; any method may throw to stop the walk (e.g. a cancelled job). */
public interface NamespaceVisitor {
    /** A directory, before its entries. */
    default void directory(Path directory, BasicFileAttributes attributes) throws Exception {
    }

    /**
     * A regular file. {@code access} reaches it through its directory's descriptor ({@code /proc/self/fd/<dir>/<name>},
     * valid during this call only): a path-taking call made with it looks up the file's own name alone, not every
     * directory above it again. {@code file} names it everywhere else (messages, blob names, requests).
     */
    void file(Path file, Path access, BasicFileAttributes attributes) throws Exception;

    /** A symlink, socket, device or FIFO: nothing HSM can archive. */
    default void other(Path path, BasicFileAttributes attributes) throws Exception {
    }

    /** An entry that could not be read or listed; the walk goes on with its siblings. */
    void failed(Path path, IOException cause) throws Exception;
}

package io.azlhsm.copytool.jobs.walk;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What a {@link NamespaceWalker} reports; any method may throw to stop the walk (e.g. a cancelled job). */
public interface NamespaceVisitor {
    /** A directory, before its entries. */
    default void directory(Path directory, BasicFileAttributes attributes) throws Exception {
    }

    /** A regular file. */
    void file(Path file, BasicFileAttributes attributes) throws Exception;

    /** A symlink, socket, device or FIFO: nothing HSM can archive. */
    default void other(Path path, BasicFileAttributes attributes) throws Exception {
    }

    /** An entry that could not be read or listed; the walk goes on with its siblings. */
    void failed(Path path, IOException cause) throws Exception;
}

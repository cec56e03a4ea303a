package io.azlhsm.copytool.jobs.walk;

import io.azlhsm.copytool.lustre.HeldFile;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What a {@link NamespaceWalker} reports; any method may throw to stop the walk (e.g. a cancelled job). */
public interface NamespaceVisitor {
    /** A directory, before its entries. */
    default void directory(Path directory, BasicFileAttributes attributes) throws Exception {
    }

    /**
     * A regular file. {@code held} holds it by an {@code O_PATH} descriptor (valid during this call only), opened
     * through its directory's descriptor: the walk looked its name up once, and calls about it need no lookup at all.
     * A call that reopens a path ({@code llapi_hsm_state_get}, stat, getxattr) takes {@link HeldFile#path()}; its
     * FID comes from the descriptor ({@code llapi_fd2fid}), since liblustreapi's {@code llapi_path2fid} opens its
     * path with O_NOFOLLOW, which a {@code /proc/self/fd} link refuses. {@code file} names it everywhere else
     * (messages, blob names, requests).
     */
    void file(Path file, HeldFile held, BasicFileAttributes attributes) throws Exception;

    /** A symlink, socket, device or FIFO: nothing HSM can archive. */
    default void other(Path path, BasicFileAttributes attributes) throws Exception {
    }

    /** An entry that could not be read or listed; the walk goes on with its siblings. */
    void failed(Path path, IOException cause) throws Exception;
}

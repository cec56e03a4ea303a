package io.azlhsm.copytool.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One agent per client mount on this node. Lustre does not refuse a second copytool on a mount: the second
 * registration succeeds and both then receive, and run, every action (lustre/llite/dir.c 1156 refuses only a second
 * registration on the same fd, lustre/mdc/mdc_request.c 2341 ignores the MDT's EEXIST, lustre/obdclass/kernelcomm.c
 * 1285 writes each action list to every registered pipe). So before it registers, the agent takes an exclusive lock
 * on a file of the runtime directory named after the client mount, and holds it until it has unregistered.
 *
 * <p><b>Which mount.</b> A client mount is a superblock, known by the device number ({@code st_dev}) of the
 * configured mount path: every Lustre or FUSE client mount has its own (anonymous) device. A bind mount of it, or a
 * subdirectory of it, has the same device and therefore the same lock: one client, one agent. The same file system
 * mounted a second time is a second client (its own client UUID at the coordinator, its own device) and may have its
 * own agent; that is how a node adds agents.
 *
 * <p><b>After a crash.</b> The lock is a POSIX record lock ({@link FileChannel#tryLock}, fcntl F_SETLK), which the
 * kernel drops when its process ends, whatever ended it: a {@code kill -9}ed agent leaves the file but no lock, and the
 * next start takes it. The file is never deleted: deleting it while another agent starts could leave two agents
 * holding locks on two different files of one name.
 *
 * <p><b>Who holds it.</b> The holder's PID is read from /proc/locks (the kernel's own record, right even when the
 * file's text is stale), else from the file, where each holder writes its PID, mount and start time.
 *
 * <p><b>Safety.</b> The directory is created mode 0750 if missing, and refused unless it is a real directory (not a
 * symbolic link) owned by this process's user and writable by nobody else; the file is created 0644 and opened
 * without following a symbolic link.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of the file in the process drops them; so a second
 * lock of one mount within this JVM is refused from memory, before the file is opened a second time.
 */
public final class MountLock implements AutoCloseable {
    public static final Path DEFAULT_DIRECTORY = Path.of("/run/azlhsm");

    private static final Set<Path> HELD_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private MountLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the client mount that {@code mount} is on.
     *
     * @throws MountLockException naming the process that holds it, or why the runtime directory cannot hold locks
     */
    public static MountLock acquire(Path directory, Path mount) throws MountLockException {
        Path file = directory.resolve(fileName(mount)).toAbsolutePath().normalize();
        prepareDirectory(directory);
        long self = ProcessHandle.current().pid();
        if (!HELD_IN_THIS_PROCESS.add(file)) {
            throw new MountLockException(refusal(mount, file, OptionalLong.of(self), "this process (PID " + self
                    + ") already runs an agent on it"), OptionalLong.of(self));
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, Set.<OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new MountLockException(file + " is not a regular file: the agent's lock file of " + mount
                        + " must be; remove it", OptionalLong.empty());
            }
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String recorded = contents(channel);
                OptionalLong holder = LockHolders.pidOf(file);
                if (holder.isEmpty()) {
                    holder = recordedPid(recorded);
                }
                throw new MountLockException(refusal(mount, file, holder, describe(holder, recorded)), holder);
            }
            byte[] text = ("pid=" + self + "\nmount=" + mount + "\nstarted=" + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text), 0);
            channel.force(false);
            MountLock taken = new MountLock(file, channel, lock);
            channel = null;
            return taken;
        } catch (IOException e) {
            throw new MountLockException("cannot lock " + file + " (the agent's lock of " + mount + "): " + e,
                    OptionalLong.empty());
        } finally {
            if (channel != null) {
                closeQuietly(channel);
                HELD_IN_THIS_PROCESS.remove(file);
            }
        }
    }

    /** {@code agent-<major>:<minor>.lock} of the mount path's device; the path itself if it has none to read. */
    static String fileName(Path mount) {
        try {
            long dev = (Long) Files.getAttribute(mount, "unix:dev");
            return "agent-" + LockHolders.major(dev) + ":" + LockHolders.minor(dev) + ".lock";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "agent-path" + mount.toAbsolutePath().normalize().toString().replace('/', '-') + ".lock";
        }
    }

    private static void prepareDirectory(Path directory) throws MountLockException {
        try {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
            PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory()) {
                throw new MountLockException("runtime directory " + directory + " is not a directory (a symbolic"
                        + " link is not accepted): set runtime_dir to a directory only the agent's user can write",
                        OptionalLong.empty());
            }
            int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Set<PosixFilePermission> mode = attributes.permissions();
            if (owner != self || mode.contains(PosixFilePermission.GROUP_WRITE)
                    || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new MountLockException("runtime directory " + directory + " (owner uid " + owner + ", mode "
                        + PosixFilePermissions.toString(mode) + ") could be changed by someone else than uid " + self
                        + ", who could then remove the agent's lock: it must be owned by uid " + self + " and"
                        + " writable by nobody else (e.g. chmod go-w, or the default " + DEFAULT_DIRECTORY + ")",
                        OptionalLong.empty());
            }
        } catch (IOException e) {
            throw new MountLockException("cannot use runtime directory " + directory + " for the agent's lock: " + e,
                    OptionalLong.empty());
        }
    }

    private static String refusal(Path mount, Path file, OptionalLong holder, String who) {
        String find = holder.isPresent() ? "see it with: ps -o pid,lstart,args -p " + holder.getAsLong()
                : "find it with: fuser -v " + file + " (or in /proc/locks)";
        return mount + ": another copytool agent already serves this client mount on this node: " + who
                + "; it holds " + file + ". One agent per client mount: stop that one first (" + find + ")."
                + " Lustre itself would let both register, and both would run every action.";
    }

    private static String describe(OptionalLong holder, String recorded) {
        String started = recorded.lines().filter(l -> l.startsWith("started=")).map(l -> l.substring(8))
                .findFirst().orElse(null);
        String mount = recorded.lines().filter(l -> l.startsWith("mount=")).map(l -> l.substring(6))
                .findFirst().orElse(null);
        StringBuilder text = new StringBuilder(holder.isPresent() ? "PID " + holder.getAsLong() : "a process");
        if (mount != null || started != null) {
            text.append(" (");
            if (mount != null) {
                text.append("configured for ").append(mount);
            }
            if (started != null) {
                text.append(mount != null ? ", " : "").append("started ").append(started);
            }
            text.append(')');
        }
        return text.toString();
    }

    private static OptionalLong recordedPid(String recorded) {
        return recorded.lines().filter(l -> l.startsWith("pid=")).map(l -> l.substring(4).trim())
                .filter(p -> !p.isEmpty() && p.chars().allMatch(Character::isDigit))
                .mapToLong(Long::parseLong).findFirst();
    }

    private static String contents(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read until full or at the end
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    public Path file() {
        return file;
    }

    /** Lets the next agent of this mount start. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below drops the lock as well
        }
        closeQuietly(channel);
        HELD_IN_THIS_PROCESS.remove(file);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to save: the process's lock goes with the descriptor
        }
    }
}

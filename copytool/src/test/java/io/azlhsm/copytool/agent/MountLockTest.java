package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-mount lock within one process, its runtime directory checks, and finding a lock's holder. */
class MountLockTest {
    @TempDir
    Path temp;

    @Test
    void aSecondLockOfOneMountInThisProcessIsRefusedAndClosingFreesIt() throws Exception {
        Path runtime = temp.resolve("run");
        long self = ProcessHandle.current().pid();
        Path file;
        try (MountLock lock = MountLock.acquire(runtime, temp)) {
            file = lock.file();
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(runtime)));
            assertEquals(OptionalLong.of(self), LockHolders.pidOf(file), "the kernel's record of the lock");
            MountLockException refused = assertThrows(MountLockException.class,
                    () -> MountLock.acquire(runtime, temp.resolve(".")));
            assertEquals(OptionalLong.of(self), refused.holderPid());
            assertTrue(refused.getMessage().contains("this process (PID " + self + ")"), refused.getMessage());
            assertEquals(OptionalLong.of(self), LockHolders.pidOf(file), "the refusal kept the lock");
        }
        // read only now: closing any descriptor of the file drops this process's POSIX locks on it
        assertTrue(Files.readString(file).startsWith("pid=" + self + "\nmount=" + temp + "\n"));
        MountLock.acquire(runtime, temp).close();
    }

    @Test
    void aRuntimeDirectoryOthersCanWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        MountLockException refused = assertThrows(MountLockException.class, () -> MountLock.acquire(open, temp));
        assertTrue(refused.getMessage().contains("runtime directory " + open + " (owner uid")
                && refused.getMessage().contains("writable by nobody else"), refused.getMessage());
    }

    @Test
    void aSymbolicLinkAsRuntimeDirectoryIsRefused() throws Exception {
        Path real = Files.createDirectory(temp.resolve("real"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), real);
        MountLockException refused = assertThrows(MountLockException.class, () -> MountLock.acquire(link, temp));
        assertTrue(refused.getMessage().contains("is not a directory (a symbolic link is not accepted)"),
                refused.getMessage());
    }

    @Test
    void theHolderIsReadFromTheKernelsLockTable() {
        long dev = (259L << 8) | 3; // major 259, minor 3 in glibc's encoding
        List<String> table = List.of(
                "1: FLOCK  ADVISORY  WRITE 11 103:03:77 0 EOF",
                "2: POSIX  ADVISORY  WRITE 4242 103:03:77 0 EOF",
                "2: -> POSIX  ADVISORY  WRITE 5353 103:03:77 0 EOF");
        assertEquals(259, LockHolders.major(dev));
        assertEquals(3, LockHolders.minor(dev));
        assertEquals(OptionalLong.of(4242), LockHolders.pidOf(table, dev, 77));
        assertEquals(OptionalLong.empty(), LockHolders.pidOf(table, dev, 78));
        long big = (0x12345000L << 32) | (0xabcL << 8) | (0xfedcbaL & 0xff) | ((0xfedcbaL & ~0xffL) << 12);
        assertEquals(0x12345abcL, LockHolders.major(big));
        assertEquals(0xfedcbaL, LockHolders.minor(big));
    }
}

package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryDescriptorTest {
    @TempDir
    Path dir;

    @Test
    void aSymlinkInPlaceOfADirectoryIsRefusedNeverFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("link"), elsewhere);
        Files.writeString(dir.resolve("file"), "x");
        try (DirectoryDescriptor root = DirectoryDescriptor.open(dir)) {
            DirectoryDescriptor.NotADirectoryException link = assertThrows(
                    DirectoryDescriptor.NotADirectoryException.class, () -> root.openChild("link", "t/link"));
            assertTrue(link.symlink());
            assertEquals("t/link exists and is not a directory (a symlink, never followed)", link.getMessage());
            DirectoryDescriptor.NotADirectoryException file = assertThrows(
                    DirectoryDescriptor.NotADirectoryException.class, () -> root.openChild("file", "t/file"));
            assertFalse(file.symlink());
            assertThrows(NoSuchFileException.class, () -> root.openChild("absent", "t/absent"));
            assertThrows(IllegalArgumentException.class, () -> root.openChild("a/b", "t/a/b"));
        }
        assertThrows(DirectoryDescriptor.NotADirectoryException.class,
                () -> DirectoryDescriptor.open(dir.resolve("link")).close());
    }

    @Test
    void entriesAreReachedThroughTheDescriptorEvenAfterTheDirectoryIsSwappedForASymlink() throws Exception {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        try (DirectoryDescriptor root = DirectoryDescriptor.open(dir)) {
            root.makeChild("a", 0777, "t/a");
            assertThrows(FileAlreadyExistsException.class, () -> root.makeChild("a", 0777, "t/a"));
            try (DirectoryDescriptor a = root.openChild("a", "t/a")) {
                a.chmod(0777);
                assertEquals(0777, (Integer) Files.getAttribute(dir.resolve("a"), "unix:mode") & 07777);
                Files.move(dir.resolve("a"), dir.resolve("moved"));
                Files.createSymbolicLink(dir.resolve("a"), outside);
                Files.writeString(a.entry("file"), "through the descriptor");
                a.makeChild("sub", 0700, "t/a/sub");
            }
        }
        try (var entries = Files.list(outside)) {
            assertEquals(0, entries.count(), "created through the symlink");
        }
        assertEquals("through the descriptor", Files.readString(dir.resolve("moved/file")));
        assertTrue(Files.isDirectory(dir.resolve("moved/sub"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void openFlagsPerArchitecture() {
        assertEquals(0200000 | 0400000 | 02000000, DirectoryDescriptor.openDirectoryFlags("amd64"));
        assertEquals(040000 | 0100000 | 02000000, DirectoryDescriptor.openDirectoryFlags("aarch64"));
        assertThrows(UnsupportedOperationException.class, () -> DirectoryDescriptor.openDirectoryFlags("s390x"));
    }
}

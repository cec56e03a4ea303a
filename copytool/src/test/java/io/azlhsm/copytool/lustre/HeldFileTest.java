package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs as root, as the agent does: trusted.* attributes need CAP_SYS_ADMIN (the build's machines run tests as root). */
class HeldFileTest {
    private static final String NAME = "trusted.azlhsm.heldfiletest";

    @TempDir
    Path dir;

    @Test
    void attributesAndSizeReachTheHeldFileWhateverItsNameBecomes() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[12345]);
        try (HeldFile held = HeldFile.open(file, "f")) {
            Path moved = Files.move(file, dir.resolve("moved"), StandardCopyOption.ATOMIC_MOVE);
            Files.write(dir.resolve("f"), new byte[7]); // another file where it was
            assertEquals(12345, held.size());
            ExtendedAttributes.set(held, NAME, "value".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals("value".getBytes(StandardCharsets.UTF_8), ExtendedAttributes.get(held, NAME).orElseThrow());
            assertArrayEquals("value".getBytes(StandardCharsets.UTF_8), ExtendedAttributes.get(moved, NAME).orElseThrow(),
                    "set on the held file itself, through its /proc/self/fd link");
            assertTrue(ExtendedAttributes.get(dir.resolve("f"), NAME).isEmpty(), "not on the file now at its old name");
            assertTrue(ExtendedAttributes.remove(held, NAME));
            assertFalse(ExtendedAttributes.remove(held, NAME), "a second removal finds none");
            assertTrue(ExtendedAttributes.get(moved, NAME).isEmpty());
        }
    }

    @Test
    void aClosedHeldFileIsNeverReachedAgain() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[3]);
        HeldFile held = HeldFile.open(file, "f");
        held.close();
        held.close();
        // its descriptor's number may be another file's by now
        assertThrows(IllegalStateException.class, held::path);
        assertThrows(IllegalStateException.class, () -> ExtendedAttributes.get(held, NAME));
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> HeldFile.open(dir.resolve("absent"), "[0x200000400:0x1:0x0]"));
        assertEquals("[0x200000400:0x1:0x0]", e.getFile());
    }

    @Test
    void openFlagsPerArchitecture() {
        assertEquals(010000000 | 0400000 | 02000000, HeldFile.openPathFlags("amd64"));
        assertEquals(010000000 | 0100000 | 02000000, HeldFile.openPathFlags("aarch64"));
        assertThrows(UnsupportedOperationException.class, () -> HeldFile.openPathFlags("s390x"));
    }
}

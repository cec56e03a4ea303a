package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libc xattr binding on a local file system; trusted.* needs root, as on Lustre. */
class ExtendedAttributesTest {
    private static final String NAME = "trusted.azlhsm.test";

    @TempDir
    Path dir;

    @BeforeEach
    void asRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "trusted.* xattrs need root");
    }

    @Test
    void setGetReplaceAndRemoveATrustedAttribute() throws Exception {
        Path file = Files.createFile(dir.resolve("f"));
        assertEquals(Optional.empty(), ExtendedAttributes.get(file, NAME));
        ExtendedAttributes.set(file, NAME, "first".getBytes());
        assertArrayEquals("first".getBytes(), ExtendedAttributes.get(file, NAME).orElseThrow());
        ExtendedAttributes.set(file, NAME, "2nd".getBytes());
        assertArrayEquals("2nd".getBytes(), ExtendedAttributes.get(file, NAME).orElseThrow());
        ExtendedAttributes.set(file, NAME, new byte[0]);
        assertArrayEquals(new byte[0], ExtendedAttributes.get(file, NAME).orElseThrow(), "empty is not absent");
        assertTrue(ExtendedAttributes.remove(file, NAME));
        assertFalse(ExtendedAttributes.remove(file, NAME), "a second remove finds nothing (ENODATA)");
        assertEquals(Optional.empty(), ExtendedAttributes.get(file, NAME));
    }

    @Test
    void aMissingFileIsNoSuchFileAndOtherErrnosAreNamed() throws Exception {
        Path missing = dir.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> ExtendedAttributes.get(missing, NAME));
        assertThrows(NoSuchFileException.class, () -> ExtendedAttributes.set(missing, NAME, new byte[1]));
        assertThrows(NoSuchFileException.class, () -> ExtendedAttributes.remove(missing, NAME));
        Path file = Files.createFile(dir.resolve("f"));
        ExtendedAttributeException bad = assertThrows(ExtendedAttributeException.class,
                () -> ExtendedAttributes.set(file, "nonamespace.x", new byte[1]));
        assertEquals(Errno.EOPNOTSUPP, bad.errno());
        assertTrue(bad.getMessage().contains("lsetxattr nonamespace.x on " + file), bad.getMessage());
    }

    @Test
    void aSymlinkIsNeverFollowed() throws Exception {
        Path target = Files.createFile(dir.resolve("target"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
        ExtendedAttributes.set(link, NAME, "on the link".getBytes());
        assertArrayEquals("on the link".getBytes(), ExtendedAttributes.get(link, NAME).orElseThrow());
        assertEquals(Optional.empty(), ExtendedAttributes.get(target, NAME));
    }

    @Test
    void aValueLargerThanTheFirstReadIsReadWhole() throws Exception {
        // ext4 keeps all of an inode's xattrs in one block; tmpfs takes values up to 64 KiB
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs tmpfs at /dev/shm");
        Path file = Files.createTempFile(shm, "xattr-", ".bin");
        try {
            byte[] value = new byte[20_000];
            new Random(7).nextBytes(value);
            ExtendedAttributes.set(file, NAME, value);
            assertArrayEquals(value, ExtendedAttributes.get(file, NAME).orElseThrow());
        } finally {
            Files.delete(file);
        }
    }
}

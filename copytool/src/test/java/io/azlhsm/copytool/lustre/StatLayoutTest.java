package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The struct stat handed to llapi_hsm_import, byte for byte, on both supported architectures. The images were made
 * from the C declarations (x86_64: arch/x86/include/uapi/asm/stat.h and glibc's x86 bits/struct_stat.h; aarch64:
 * include/uapi/asm-generic/stat.h and glibc's generic bits/struct_stat.h), not from the encoder. The host's own
 * layout is also read back by C in {@link EncodersAgainstCTest}.
 */
class StatLayoutTest {
    private static final ImportAttributes ATTRIBUTES = new ImportAttributes(0x1_2345_6789L, 0640, 1000, 1001,
            1_700_000_000L, 123_456_789, 1_600_000_000L, 987_654_321);

    /** dev, ino, nlink u64 = 1, mode 0100640, uid 1000, gid 1001, pad, rdev, size, blksize, blocks, a/m/ctim, 3 spare. */
    private static final String X86_64 = ""
            + "000000000000000000000000000000000100000000000000a0810000e8030000"
            + "e903000000000000000000000000000089674523010000000000000000000000"
            + "000000000000000000f153650000000015cd5b070000000000105e5f00000000"
            + "b168de3a0000000000105e5f00000000b168de3a000000000000000000000000"
            + "00000000000000000000000000000000";

    /** dev, ino, mode 0100640, nlink u32 = 1, uid 1000, gid 1001, rdev, pad, size, blksize i32, pad, blocks, times. */
    private static final String AARCH64 = ""
            + "00000000000000000000000000000000a081000001000000e8030000e9030000"
            + "0000000000000000000000000000000089674523010000000000000000000000"
            + "000000000000000000f153650000000015cd5b070000000000105e5f00000000"
            + "b168de3a0000000000105e5f00000000b168de3a000000000000000000000000";

    @Test
    void x86_64ImageIsGlibcs() {
        byte[] image = ATTRIBUTES.encodeStat(StatLayout.X86_64);
        assertEquals(144, image.length);
        assertEquals(X86_64, HexFormat.of().formatHex(image));
    }

    @Test
    void aarch64ImageIsTheAsmGenericOne() {
        byte[] image = ATTRIBUTES.encodeStat(StatLayout.AARCH64);
        assertEquals(128, image.length);
        assertEquals(AARCH64, HexFormat.of().formatHex(image));
    }

    @Test
    void architectureNamesMapToLayouts() {
        assertEquals(StatLayout.X86_64, StatLayout.forArchitecture("amd64"));
        assertEquals(StatLayout.X86_64, StatLayout.forArchitecture("x86_64"));
        assertEquals(StatLayout.AARCH64, StatLayout.forArchitecture("aarch64"));
        assertEquals(StatLayout.AARCH64, StatLayout.forArchitecture("arm64"));
    }

    @Test
    void anotherArchitectureIsRefusedByName() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> StatLayout.forArchitecture("ppc64le"));
        assertTrue(e.getMessage().contains("ppc64le") && e.getMessage().contains("x86_64")
                && e.getMessage().contains("aarch64"), e.getMessage());
    }

    @Test
    void theLibraryIsNotLoadedOnAnotherArchitecture() {
        String arch = System.getProperty("os.arch");
        try {
            System.setProperty("os.arch", "riscv64");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LustreLibrary.load("c"));
            assertTrue(e.getMessage().contains("riscv64"), e.getMessage());
        } finally {
            System.setProperty("os.arch", arch);
        }
    }
}

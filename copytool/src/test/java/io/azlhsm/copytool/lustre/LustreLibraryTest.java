package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LustreLibraryTest {
    @Test
    void missingFileIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LustreLibrary.load("/nonexistent/dir/libhsmsim.so"));
        assertTrue(e.getMessage().contains("/nonexistent/dir/libhsmsim.so"), e.getMessage());
    }

    @Test
    void unknownNameSaysWhatWasSearched() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LustreLibrary.load("azlhsm_no_such_library"));
        assertTrue(e.getMessage().contains("'azlhsm_no_such_library'"), e.getMessage());
        assertTrue(e.getMessage().contains("libazlhsm_no_such_library.so"), e.getMessage());
    }

    @Test
    void relativePathIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LustreLibrary.load("build/libhsmsim.so"));
        assertThrows(IllegalArgumentException.class, () -> LustreLibrary.load(" "));
    }

    @Test
    void absolutePathLoadsAndMissingSymbolsFailOnlyWhenCalled() {
        Path libc = Path.of("/lib/x86_64-linux-gnu/libc.so.6");
        assumeTrue(Files.isRegularFile(libc), "needs glibc at " + libc);
        LustreLibrary library = LustreLibrary.load(libc.toString());
        assertEquals(libc.toString(), library.source());
        // libc has no llapi symbols: binding is lazy, so the failure comes from the call
        assertThrows(UnsatisfiedLinkError.class, () -> library.api().llapi_hsm_copytool_get_fd(null));
    }
}

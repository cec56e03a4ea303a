package io.azlhsm.copytool.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.azlhsm.copytool.archive.ArchiveException.Kind;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectNamesTest {

    @Test
    void prefixesGetExactlyOneTrailingSlash() throws Exception {
        assertEquals("a/b", new ObjectNames("").objectName("a/b"));
        assertEquals("a/b", new ObjectNames(null).objectName("a/b"));
        assertEquals("p/a/b", new ObjectNames("p").objectName("a/b"));
        assertEquals("p/q/a/b", new ObjectNames("p/q/").objectName("a/b"));
    }

    @Test
    void relativePathIsTheInverseAndRefusesNamesOutsideThePrefix() throws Exception {
        ObjectNames names = new ObjectNames("fs1");
        assertEquals("a/b", names.relativePath(names.objectName("a/b")));
        for (String outside : new String[] {"fs2/a", "fs1", "fs1/", "fs1x/a", "fs1/../etc", "/fs1/a", "fs1//a"}) {
            assertEquals(Kind.INVALID, assertThrows(ArchiveException.class, () -> names.relativePath(outside)).kind(),
                    outside);
        }
        assertEquals("fs2/a", new ObjectNames("").relativePath("fs2/a"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"/p", "p//q", "../p", "p/..", "."})
    void badPrefixesAreConfigurationErrors(String prefix) {
        assertThrows(IllegalArgumentException.class, () -> new ObjectNames(prefix));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a", "a/b/c", "dir with spaces/ünïcode file", "...", "a/.hidden", "trailing.", "a/b..c"})
    void ordinaryNamesPass(String name) throws Exception {
        ObjectNames.validate(name);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "/a", "a/", "a//b", ".", "..", "a/./b", "a/../b", "a/..", "./a", "nul\0"})
    void structurallyBadNamesAreInvalid(String name) {
        ArchiveException e = assertThrows(ArchiveException.class, () -> ObjectNames.validate(name));
        assertEquals(Kind.INVALID, e.kind());
    }

    @Test
    void theLengthLimitCountsThePrefix() throws Exception {
        ObjectNames names = new ObjectNames("pp");
        names.objectName("a".repeat(1021));
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> names.objectName("a".repeat(1022))).kind());
    }

    @Test
    void theSegmentLimitCountsThePrefix() throws Exception {
        ObjectNames names = new ObjectNames("p");
        names.objectName(String.join("/", Collections.nCopies(253, "s")));
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> names.objectName(String.join("/", Collections.nCopies(254, "s"))));
        assertEquals(Kind.INVALID, e.kind());
        assertEquals(true, e.getMessage().contains("255 path segments"), e.getMessage());
    }
}

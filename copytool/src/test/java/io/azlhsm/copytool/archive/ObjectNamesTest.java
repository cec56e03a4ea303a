package io.azlhsm.copytool.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Azure drops the dots ending a segment and turns '\\' into '/': each of these would share another's blob. */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a.", "d/a.", "a./b", "...", "d/.../f", "d/a..", "x.y./z", "a\\b", "\\a", "d\\"})
    void namesTheBlobServiceRewritesAreRefusedForFilesAndListings(String relative) {
        ObjectNames names = new ObjectNames("fs1");
        ArchiveException toBlob = assertThrows(ArchiveException.class, () -> names.objectName(relative));
        assertEquals(Kind.INVALID, toBlob.kind());
        assertTrue(toBlob.getMessage().contains("'fs1/" + relative + "'"), toBlob.getMessage());
        assertTrue(toBlob.getMessage().contains("Azure"), toBlob.getMessage());
        ArchiveException fromListing = assertThrows(ArchiveException.class,
                () -> names.relativePath("fs1/" + relative));
        assertEquals(Kind.INVALID, fromListing.kind());
    }

    @Test
    void theRefusalSaysWhichNameItWouldShareABlobWith() {
        ObjectNames names = new ObjectNames("");
        assertTrue(assertThrows(ArchiveException.class, () -> names.objectName("d/report..")).getMessage()
                .endsWith("the path segment 'report..' ends with a dot, which Azure drops: it would share a blob with"
                        + " 'report'"));
        assertTrue(assertThrows(ArchiveException.class, () -> names.objectName("d/.../f")).getMessage()
                .endsWith("it would share a blob with the path without that segment"));
        assertTrue(assertThrows(ArchiveException.class, () -> names.objectName("a\\b")).getMessage()
                .contains("a backslash (at offset 1), which Azure turns into '/'"));
    }

    @Test
    void recordsOfOlderArchivesMayStillNameSuchABlob() throws Exception {
        // validate() guards every read: a record written before the rule must keep its copy readable
        ObjectNames.validate("d/a.");
        ObjectNames.validate("d/a\\b");
        assertEquals("x/.a/b.c", new ObjectNames("").relativePath("x/.a/b.c"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"fs.", "p/q.", "p\\q"})
    void aPrefixTheBlobServiceRewritesIsAConfigurationError(String prefix) {
        assertThrows(IllegalArgumentException.class, () -> new ObjectNames(prefix));
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

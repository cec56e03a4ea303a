package io.azlhsm.copytool.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure rules of import: which blob names become paths, prefixes, conflict mode names, marker names. */
class ImportRulesTest {
    @Test
    void safeNamesBecomePaths() {
        assertNull(BlobPaths.problem("a/b/c.txt", true, 10));
        assertNull(BlobPaths.problem("..hidden/x..", true, 10));
        assertNull(BlobPaths.problem("ünïcødé/名前", true, 10));
        assertNull(BlobPaths.problem(".azlhsm/x", false, 10), "reserved only in the file-system root");
    }

    @Test
    void unsafeNamesAreRefusedWithTheReason() {
        assertTrue(BlobPaths.problem("a/../../etc/passwd", true, 10).contains("'..' path segments"));
        assertTrue(BlobPaths.problem("a/./b", true, 10).contains("'.' path segments"));
        assertTrue(BlobPaths.problem("/abs", true, 10).contains("empty path segment"));
        assertTrue(BlobPaths.problem("a//b", true, 10).contains("empty path segment"));
        assertTrue(BlobPaths.problem("a/", true, 10).contains("empty path segment"));
        assertTrue(BlobPaths.problem("a/\u0001b", true, 10).contains("control character (0x1)"));
        assertTrue(BlobPaths.problem("a\nb", true, 10).contains("control character (0xa)"));
        assertTrue(BlobPaths.problem("a\u007fb", true, 10).contains("control character (0x7f)"));
        assertTrue(BlobPaths.problem("a\ud800b", true, 10).contains("unpaired UTF-16 surrogate"));
        assertTrue(BlobPaths.problem("x".repeat(256), true, 10).contains("256 bytes; at most 255"));
        assertNull(BlobPaths.problem("x".repeat(255), true, 10));
        assertTrue(BlobPaths.problem("é".repeat(128), true, 10).contains("256 bytes"), "bytes, not characters");
        String deep = String.join("/", java.util.Collections.nCopies(25, "y".repeat(200)));
        assertTrue(BlobPaths.problem(deep, true, 10).contains("at most 4095 are allowed"));
        assertTrue(BlobPaths.problem(".lustre/fid/x", true, 10).contains("reserved"));
        assertTrue(BlobPaths.problem(".azlhsm/lock", true, 10).contains("reserved"));
        assertTrue(BlobPaths.problem("IMPORT_InProgress.20261122T030000Z", true, 10).contains("reserved"));
        assertTrue(BlobPaths.problem("", true, 10).contains("empty"));
    }

    @Test
    void prefixesDefaultToEverythingAndOverlapIsRefused() {
        assertEquals(List.of(""), ImportPrefixes.normalize(List.of()));
        assertEquals(List.of("data/", "logs"), ImportPrefixes.normalize(List.of("/data/", "logs")));
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> ImportPrefixes.normalize(List.of("/data", "/data2")));
        assertEquals("prefixes '/data' and '/data2' overlap: every blob under the second is also under the first",
                overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImportPrefixes.normalize(List.of("/", "/x")));
        assertThrows(IllegalArgumentException.class, () -> ImportPrefixes.normalize(List.of("a", "a")));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(String.format("p%03d/", i));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImportPrefixes.normalize(many)).getMessage()
                .contains("at most 100 prefixes"));
        assertEquals(100, ImportPrefixes.normalize(many.subList(0, 100)).size());
    }

    @Test
    void conflictModesAndMarkerNames() {
        assertEquals(ConflictMode.OVERWRITE_DIRTY, ConflictMode.parse("overwrite-dirty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConflictMode.parse("replace")).getMessage()
                .contains("fail, skip, overwrite-dirty, overwrite-always"));
        assertTrue(ImportMarker.isMarkerName("IMPORT_CompletedPartial.20261122T031500Z"));
        assertTrue(!ImportMarker.isMarkerName("IMPORT_notes.txt"));
    }

    @Test
    void optionsRefuseBadValues() {
        assertThrows(IllegalArgumentException.class,
                () -> new ImportOptions(1, List.of(""), ConflictMode.FAIL, -2, "", 8));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ImportOptions(1, List.of(""), ConflictMode.FAIL, 0, "../out", 8)).getMessage()
                .contains("--target '../out'"));
    }
}

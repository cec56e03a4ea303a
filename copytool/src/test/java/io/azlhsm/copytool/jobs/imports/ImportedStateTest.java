package io.azlhsm.copytool.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportedStateTest {
    @TempDir
    Path dir;

    private static List<ImportedState.Entry> entries(ImportedState state) throws IOException {
        List<ImportedState.Entry> read = new ArrayList<>();
        try (ImportedState.Reader reader = state.read()) {
            for (ImportedState.Entry e = reader.peek(); e != null; e = reader.peek()) {
                read.add(e);
                reader.advance();
            }
        }
        return read;
    }

    @Test
    void namesWithTabsNewlinesAndPercentSignsComeBackAsWritten() throws Exception {
        ImportedState state = new ImportedState(dir, 1, "", List.of("data/"));
        assertFalse(state.exists());
        assertEquals(List.of(), entries(state));
        List<ImportedState.Entry> written = List.of(new ImportedState.Entry("data/a\tb", "\"0x1\""),
                new ImportedState.Entry("data/100%\nnew\r", "\"0x2\""), new ImportedState.Entry("data/é", "e"));
        try (ImportedState.Writer writer = state.write(what -> { })) {
            for (ImportedState.Entry e : written) {
                writer.add(e.name(), e.etag());
            }
            writer.commit();
        }
        assertTrue(state.exists());
        assertEquals(written, entries(state));
        assertEquals(3, Files.readAllLines(state.file()).size());
    }

    @Test
    void aStateIsReplacedOnlyByACommitThatTheFenceAllows() throws Exception {
        ImportedState state = new ImportedState(dir, 1, "t", List.of(""));
        try (ImportedState.Writer writer = state.write(what -> { })) {
            writer.add("a", "1");
            writer.commit();
        }
        try (ImportedState.Writer writer = state.write(what -> { })) {
            writer.add("b", "2"); // a pass cut short: never committed
        }
        assertEquals(List.of(new ImportedState.Entry("a", "1")), entries(state));
        try (ImportedState.Writer writer = state.write(what -> {
            throw new IOException("lock lost: " + what);
        })) {
            writer.add("c", "3");
            assertThrows(IOException.class, writer::commit);
        }
        assertEquals(List.of(new ImportedState.Entry("a", "1")), entries(state));
        try (Stream<Path> files = Files.list(state.file().getParent())) {
            assertEquals(List.of(state.file()), files.toList(), "a temporary file was left");
        }
    }

    @Test
    void eachArchiveTargetAndPrefixSetHasItsOwnState() {
        Path a = new ImportedState(dir, 1, "", List.of("x/")).file();
        assertEquals(a, new ImportedState(dir, 1, "", List.of("x/")).file());
        assertNotEquals(a, new ImportedState(dir, 2, "", List.of("x/")).file());
        assertNotEquals(a, new ImportedState(dir, 1, "t", List.of("x/")).file());
        assertNotEquals(a, new ImportedState(dir, 1, "", List.of("x/", "y/")).file());
        assertTrue(a.startsWith(dir.resolve(ImportedState.DIRECTORY)));
    }

    @Test
    void theListingOrderIsThatOfCodePointsLikeUtf8Bytes() {
        assertTrue(AutoImportJob.LISTING_ORDER.compare("a", "b") < 0);
        assertTrue(AutoImportJob.LISTING_ORDER.compare("a", "a/b") < 0);
        assertTrue(AutoImportJob.LISTING_ORDER.compare("a-1", "a/") < 0); // '-' 0x2d before '/' 0x2f
        // a supplementary character sorts after U+FFFF by its UTF-8 bytes, though its UTF-16 surrogate is smaller
        assertTrue(AutoImportJob.LISTING_ORDER.compare("\uffff", "\ud83d\ude00") < 0);
        assertEquals(0, AutoImportJob.LISTING_ORDER.compare("x", "x"));
    }
}

package io.azlhsm.copytool.jobs.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table {@code copytool check} prints at its end: what it says, not how it is aligned. */
class CheckSummaryTest {
    private static String printed(CheckTally tally, Map<String, Long> counters) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckSummary.print(tally, counters, Path.of("/r/check.report.json"),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).replaceAll("[ \\t]+", " ");
    }

    private static CheckTally tally() {
        CheckTally tally = new CheckTally();
        tally.add(new CheckItem(CheckClass.OK, "a", null, "a", "", 1_000, true));
        tally.add(new CheckItem(CheckClass.OK, "a", null, "a", "", 1_000, false));
        tally.add(new CheckItem(CheckClass.LOST, "b", null, "b", "", 2_500, true));
        tally.add(new CheckItem(CheckClass.BLOB_MISSING, "c", null, "c", "", 4_000, true));
        tally.add(new CheckItem(CheckClass.ORPHAN_BLOB, "d", null, "d", "", 1_234_567, false));
        tally.error();
        return tally;
    }

    @Test
    void everyClassWithItsItemsAndBytesTheErrorsAndWhereTheReportIs() {
        String text = printed(tally(), Map.of());
        for (String line : List.of(" ok 2 2,000\n", " lost 1 2,500\n", " blob-missing 1 4,000\n",
                " orphan-blob 1 1,234,567\n", " foreign-blob 0 0\n", " checksum-mismatch 0 0\n", " errors 1\n",
                "(3 files, 2 blobs)", "at risk: 2 files",
                "report: /r/check.report.json (CSV: /r/check.report.csv)")) {
            assertTrue(text.contains(line), () -> "'" + line + "' in\n" + text);
        }
        assertTrue(!text.contains("repair:") && !text.contains("collected:"), text);
    }

    @Test
    void whatRepairDeepReadsAndCollectionDid() {
        String text = printed(tally(), Map.of(CheckJob.ARCHIVED_AGAIN, 1L, CheckJob.MARKED_LOST, 1L,
                CheckJob.REIMPORTED, 0L, CheckJob.REPAIRS_FAILED, 0L, CheckJob.BYTES_READ_BACK, 5_000L,
                CheckJob.ORPHANS_COLLECTED, 1L, CheckJob.ORPHAN_BYTES_COLLECTED, 1_234_567L,
                CheckJob.PRESERVED_COLLECTED, 2L, CheckJob.PRESERVED_BYTES_COLLECTED, 8_000L));
        for (String line : List.of(
                "repair: 1 archived again, 1 marked HS_LOST, 0 stale stubs imported again, 0 failed",
                "deep: 5,000 bytes read back",
                "collected: 1 orphan blobs (1,234,567 bytes), 2 preserved copies (8,000 bytes)",
                "at risk: 2 files (1 of them repaired by this run)")) {
            assertTrue(text.contains(line), () -> "'" + line + "' in\n" + text);
        }
    }
}

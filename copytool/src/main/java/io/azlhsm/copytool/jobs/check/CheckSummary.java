package io.azlhsm.copytool.jobs.check;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The table {@code copytool check} prints on the terminal when it ends: items and bytes per class, errors, what
 * repair, {@code --deep} and {@code --collect-orphans} did (from the job's counters, when they ran), the files still
 * at risk, and where the report is.
 */
public final class CheckSummary {
    private CheckSummary() {
    }

    /**
     * @param counters the job's counters as it ended
     * @param report   the JSON report (the CSV is beside it)
     */
    public static void print(CheckTally tally, Map<String, Long> counters, Path report, PrintStream out) {
        out.println();
        out.printf("  %-18s %14s %18s%n", "class", "items", "bytes");
        long atRisk = 0;
        for (CheckClass c : CheckClass.values()) {
            out.printf("  %-18s %,14d %,18d%n", c.label(), tally.count(c), tally.bytes(c));
            if (c.atRisk()) {
                atRisk += tally.count(c);
            }
        }
        out.printf("  %-18s %,14d%n", "errors", tally.errors());
        out.printf("  (%,d files, %,d blobs)%n", tally.files(), tally.blobs());
        if (counters.containsKey(CheckJob.ARCHIVED_AGAIN)) {
            out.printf("  repair: %,d archived again, %,d marked HS_LOST, %,d stale stubs imported again, %,d failed%n",
                    counters.get(CheckJob.ARCHIVED_AGAIN), value(counters, CheckJob.MARKED_LOST),
                    value(counters, CheckJob.REIMPORTED), value(counters, CheckJob.REPAIRS_FAILED));
        }
        if (counters.containsKey(CheckJob.BYTES_READ_BACK)) {
            out.printf("  deep: %,d bytes read back%n", counters.get(CheckJob.BYTES_READ_BACK));
        }
        if (counters.containsKey(CheckJob.ORPHANS_COLLECTED)) {
            out.printf("  collected: %,d orphan blobs (%,d bytes), %,d preserved copies (%,d bytes)%n",
                    counters.get(CheckJob.ORPHANS_COLLECTED), value(counters, CheckJob.ORPHAN_BYTES_COLLECTED),
                    value(counters, CheckJob.PRESERVED_COLLECTED), value(counters, CheckJob.PRESERVED_BYTES_COLLECTED));
        }
        long repaired = value(counters, CheckJob.ARCHIVED_AGAIN) + value(counters, CheckJob.REIMPORTED);
        if (atRisk > 0) {
            out.printf("  at risk: %,d files (%,d of them repaired by this run): the report lists them, lost first%n",
                    atRisk, Math.min(repaired, atRisk));
        }
        if (report != null) {
            out.println("  report: " + report + " (CSV: " + CheckJob.csvBeside(report) + ")");
        }
        out.flush();
    }

    private static long value(Map<String, Long> counters, String name) {
        return counters.getOrDefault(name, 0L);
    }
}

package io.azlhsm.copytool.jobs.check;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a check's time goes, for the job log's closing "profile:" line and the benchmark: the pass's thread times
 * each phase with {@link System#nanoTime} on entry and exit (two clock reads, some 50 ns, per call: nothing next to
 * the syscalls they time). Phases nest (a blob stat made while judging is counted as blob stat, not as judging):
 * each phase's figure is its own time, so the figures add up to the pass's time. Calls from other threads (repair
 * callbacks) are not timed. Not thread-safe beyond that: one pass, one thread.
 */
final class CheckProfile {
    /** The phases, in the order the profile line names them. */
    enum Phase {
        /** Before the pass: the archive's client (the Azure SDK loads and connects), the report's files. */
        SETUP("setup"),
        /** Waiting for the listing: the next page is listed while the files of this one are judged. */
        LISTING("listing"),
        WALK("tree walk"),
        HSM_STATE("HSM state"),
        RECORD("record xattr"),
        FID("FID lookup"),
        BLOB_STAT("blob stat"),
        JUDGE("judging"),
        DEEP_READ("deep read"),
        REPORT("report and repair"),
        PRESERVED("preserved copies"),
        JOIN("unclaimed-blob join");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private final Thread owner = Thread.currentThread();
    private final long[] nanos = new long[Phase.values().length];
    private final Phase[] stack = new Phase[32];
    private final long started = System.nanoTime();
    private int depth;
    private long mark;

    /** Starts timing {@code phase}, pausing the phase it runs inside of. */
    void enter(Phase phase) {
        if (Thread.currentThread() != owner) {
            return;
        }
        long now = System.nanoTime();
        if (depth > 0) {
            nanos[stack[depth - 1].ordinal()] += now - mark;
        }
        stack[depth++] = phase;
        mark = now;
    }

    /** Ends the innermost phase, resuming the one around it. */
    void exit() {
        if (Thread.currentThread() != owner || depth == 0) {
            return;
        }
        long now = System.nanoTime();
        nanos[stack[--depth].ordinal()] += now - mark;
        mark = now;
    }

    /** Seconds per phase, and "other" (the merge's own bookkeeping, progress, cancel checks) of the elapsed time. */
    Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        long timed = 0;
        for (Phase phase : Phase.values()) {
            out.put(phase.label(), nanos[phase.ordinal()] / 1e9);
            timed += nanos[phase.ordinal()];
        }
        out.put("other", Math.max(0, System.nanoTime() - started - timed) / 1e9);
        return out;
    }

    /** E.g. {@code listing 1.200 s (40%), tree walk 0.300 s (10%), ..., other 0.010 s (0%); total 3.000 s}. */
    String summary() {
        Map<String, Double> seconds = seconds();
        double total = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Double> phase : seconds.entrySet()) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(String.format(Locale.ROOT, "%s %.3f s (%.0f%%)", phase.getKey(), phase.getValue(),
                    total > 0 ? 100 * phase.getValue() / total : 0));
        }
        return text.append(String.format(Locale.ROOT, "; total %.3f s", total)).toString();
    }
}

package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.jobs.JobCheckpoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a resumed import continues, and with which counts.
 *
 * <p>Per prefix: the continuation token of the first listing page not yet fully done ("done" once the prefix is
 * finished), and for the pages from there on that are partly done, which of their blobs are done. Pages finish out of
 * order (their blobs are imported in parallel), so the token advances only over a run of finished pages from the
 * front. With them, the job's counters summed over exactly the blobs recorded as done ({@code counted.<name>}): a
 * resumed job restores these rather than the live counters of the crashed run, which also hold the blobs it was
 * still working on; and it skips the blobs recorded as done, so nothing is counted twice.
 *
 * <p>Everything is written to the {@link JobCheckpoint} in one step under one lock, so a saved record never holds a
 * position and counts that disagree.
 */
final class ListingCheckpoint {
    private static final String DONE = "done";
    private static final String FIRST = "";
    private static final String COUNTED = "counted.";
    /** Present once counts are recorded (all zero until a blob is done). */
    private static final String HAS_COUNTS = "counted";

    /** One listed page: the token of the page after it (null after the last) and which of its blobs are done. */
    final class Page {
        private final int prefix;
        private final String nextToken;
        private final int items;
        private final BitSet done;

        private Page(int prefix, String nextToken, int items, BitSet done) {
            this.prefix = prefix;
            this.nextToken = nextToken;
            this.items = items;
            this.done = done;
        }

        /** True for a blob the crashed run finished: neither imported nor counted again. */
        boolean alreadyDone(int index) {
            synchronized (ListingCheckpoint.this) {
                return done.get(index);
            }
        }

        /** The blob at this index is done (imported, skipped or failed within the tolerated errors). */
        void itemDone(int index, BlobTally tally) {
            synchronized (ListingCheckpoint.this) {
                done.set(index);
                tally.counts().forEach((name, n) -> counted.merge(name, n, Long::sum));
                save(prefix);
            }
        }

        private boolean finished() {
            return done.cardinality() == items;
        }
    }

    private final JobCheckpoint checkpoint;
    private final Map<String, Long> counted = new LinkedHashMap<>();
    private final Map<Integer, Deque<Page>> pending = new LinkedHashMap<>();
    /** Per prefix, the partly done pages the crashed run recorded, handed to the pages as they are listed again. */
    private final Map<Integer, Deque<BitSet>> resumedPages = new LinkedHashMap<>();

    ListingCheckpoint(JobCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    /** The counts saved with the position, when the checkpoint has them (a crashed run of this version). */
    synchronized Optional<Map<String, Long>> savedCounts(List<String> names) {
        if (checkpoint.get(HAS_COUNTS).isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> saved = new LinkedHashMap<>();
        for (String name : names) {
            saved.put(name, checkpoint.get(COUNTED + name).map(Long::parseLong).orElse(0L));
        }
        counted.putAll(saved);
        return Optional.of(saved);
    }

    boolean finished(int prefix) {
        return checkpoint.get(tokenKey(prefix)).map(DONE::equals).orElse(false);
    }

    /** The token to list from: empty for the first page. */
    Optional<String> resumeToken(int prefix) {
        return checkpoint.get(tokenKey(prefix)).filter(t -> !t.equals(DONE) && !t.equals(FIRST));
    }

    /** The next page of the prefix, listed with {@code items} blobs. */
    synchronized Page page(int prefix, String nextToken, int items) {
        BitSet done = resumed(prefix).pollFirst();
        if (done == null || done.length() > items) {
            done = new BitSet(items); // the listing changed since the crash: its blobs are looked at again
        }
        Page page = new Page(prefix, nextToken, items, done);
        pending.computeIfAbsent(prefix, p -> new ArrayDeque<>()).addLast(page);
        save(prefix);
        return page;
    }

    private Deque<BitSet> resumed(int prefix) {
        return resumedPages.computeIfAbsent(prefix, p -> {
            Deque<BitSet> pages = new ArrayDeque<>();
            for (String encoded : checkpoint.get(pagesKey(p)).orElse("").split(",")) {
                if (!encoded.isEmpty()) {
                    pages.add(BitSet.valueOf(Base64.getDecoder().decode(encoded)));
                }
            }
            return pages;
        });
    }

    /** Advances the position over finished pages and records it with the partly done pages and the counts. */
    private void save(int prefix) {
        Deque<Page> pages = pending.get(prefix);
        Map<String, String> values = new LinkedHashMap<>();
        while (!pages.isEmpty() && pages.peekFirst().finished()) {
            Page done = pages.removeFirst();
            values.put(tokenKey(prefix), done.nextToken == null ? DONE : done.nextToken);
        }
        List<String> partly = new ArrayList<>();
        for (Page page : pages) {
            partly.add(Base64.getEncoder().encodeToString(page.done.toByteArray()));
        }
        values.put(pagesKey(prefix), partly.isEmpty() ? null : String.join(",", partly));
        values.put(HAS_COUNTS, "true");
        counted.forEach((name, n) -> values.put(COUNTED + name, Long.toString(n)));
        checkpoint.putAll(values);
    }

    private static String tokenKey(int prefix) {
        return "prefix." + prefix;
    }

    private static String pagesKey(int prefix) {
        return "prefix." + prefix + ".pages";
    }
}

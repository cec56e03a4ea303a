package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.jobs.JobCheckpoint;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Where a resumed import continues: per prefix, the continuation token of the first listing page not yet fully
 * done ("done" once the prefix is finished). Pages finish out of order (their blobs are imported in parallel), so the
 * position advances only over a run of finished pages from the front.
 */
final class ListingCheckpoint {
    private static final String DONE = "done";
    private static final String FIRST = "";

    /** One listed page: the token it was listed with and the token of the page after it (null after the last). */
    final class Page {
        private final String nextToken;
        private int remaining;

        private Page(String nextToken, int items) {
            this.nextToken = nextToken;
            this.remaining = items;
        }

        /** One blob of the page is done (imported, skipped or failed within the tolerated errors). */
        void itemDone() {
            synchronized (ListingCheckpoint.this) {
                remaining--;
                advance();
            }
        }
    }

    private final JobCheckpoint checkpoint;
    private final String key;
    private final Deque<Page> pending = new ArrayDeque<>();

    ListingCheckpoint(JobCheckpoint checkpoint, int prefixIndex) {
        this.checkpoint = checkpoint;
        this.key = "prefix." + prefixIndex;
    }

    boolean finished() {
        return checkpoint.get(key).map(DONE::equals).orElse(false);
    }

    /** The token to list from: empty for the first page. */
    Optional<String> resumeToken() {
        return checkpoint.get(key).filter(t -> !t.equals(DONE) && !t.equals(FIRST));
    }

    synchronized Page page(String nextToken, int items) {
        Page page = new Page(nextToken, items);
        pending.addLast(page);
        advance();
        return page;
    }

    private void advance() {
        while (!pending.isEmpty() && pending.peekFirst().remaining == 0) {
            Page done = pending.removeFirst();
            checkpoint.put(key, done.nextToken == null ? DONE : done.nextToken);
        }
    }
}

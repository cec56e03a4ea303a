package io.azlhsm.copytool.jobs.policy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The least recently accessed of the files offered, just enough of them to make up {@code bytes}: a walk may offer
 * millions, and only the oldest few need be kept. Holds the offered files in a heap with the most recently accessed
 * on top, which goes as soon as the others make up the bytes without it.
 */
final class OldestAccessed {
    /** A file that may be released. */
    record Candidate(Path path, Instant lastAccess, long size) {
    }

    private static final Comparator<Candidate> OLDEST_FIRST = Comparator.comparing(Candidate::lastAccess)
            .thenComparing(Candidate::path);

    private final long bytes;
    private final PriorityQueue<Candidate> kept = new PriorityQueue<>(OLDEST_FIRST.reversed());
    private long keptBytes;

    OldestAccessed(long bytes) {
        this.bytes = bytes;
    }

    void offer(Candidate candidate) {
        kept.add(candidate);
        keptBytes += candidate.size();
        while (!kept.isEmpty() && keptBytes - kept.peek().size() >= bytes) {
            keptBytes -= kept.poll().size();
        }
    }

    /** The kept files, least recently accessed first. */
    List<Candidate> oldestFirst() {
        List<Candidate> list = new ArrayList<>(kept);
        list.sort(OLDEST_FIRST);
        return list;
    }
}

package io.azlhsm.copytool.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 22.6: what the importer keeps per directory is bounded by the tree's depth, not by its number of directories,
 * and a directory is handed back (its time set, forgotten) only once the listing left it and its last blob is done.
 */
class DirectoryScopesTest {
    private final List<String> finished = new ArrayList<>();
    private final Map<String, FileTime> times = new HashMap<>();
    private final DirectoryScopes scopes = new DirectoryScopes(scope -> {
        finished.add(scope.key());
        if (scope.time() != null) {
            times.put(scope.key(), scope.time());
        }
    });

    @Test
    void aListingOfManyDirectoriesHoldsAtMostDepthPlusOneScopes() {
        // 20 x 50 x 10 = 10,000 directories in three levels, each with its directory blob and two files, in name order
        TreeSet<String> names = new TreeSet<>();
        for (int a = 0; a < 20; a++) {
            for (int b = 0; b < 50; b++) {
                for (int c = 0; c < 10; c++) {
                    String dir = String.format("top/a%02d/b%02d/c%d", a, b, c);
                    names.add(dir);
                    names.add(dir + "/f1");
                    names.add(dir + "/f2");
                }
            }
        }
        // Up to 64 blobs in flight, done in an order of their own (the oldest at times, the newest at others).
        Deque<DirectoryScopes.Ticket> inFlight = new ArrayDeque<>();
        int listed = 0;
        for (String name : names) {
            DirectoryScopes.Ticket ticket = scopes.listed(name);
            if (name.endsWith("/f1") || name.endsWith("/f2")) {
                inFlight.addLast(ticket);
            } else {
                ticket.directoryTime(Path.of("/target", name), FileTime.fromMillis(name.hashCode() & 0xffffffL));
                inFlight.addLast(ticket);
            }
            if (inFlight.size() == 64) {
                for (int i = 0; i < 16; i++) {
                    scopes.done(++listed % 2 == 0 ? inFlight.pollFirst() : inFlight.pollLast());
                }
            }
            // depth 5 (top/aNN/bNN/cN/fN) plus one: the blob's own scope
            assertTrue(scopes.held() <= 64 * 5 + 5, scopes.held() + " scopes held after " + name);
        }
        scopes.closeAll();
        while (!inFlight.isEmpty()) {
            scopes.done(inFlight.pollFirst());
        }
        assertEquals(0, scopes.held());
        assertEquals(10_000, times.size(), "every directory blob's time comes back once");
        assertEquals(names.size() + 1 + 20 + 20 * 50, finished.size(), "each name and directory finished once");
        assertEquals(finished.size(), new TreeSet<>(finished).size(), "none twice");
    }

    @Test
    void withEveryBlobDoneAtOnceTheScopesHeldAreTheDepthOfTheListedName() {
        for (int a = 0; a < 300; a++) {
            for (int b = 0; b < 30; b++) {
                String dir = String.format("a%03d/b%02d", a, b);
                scopes.done(scopes.listed(dir));
                scopes.done(scopes.listed(dir + "/file"));
                assertTrue(scopes.held() <= 3, scopes.held() + " after " + dir);
            }
        }
        assertEquals(3, scopes.peakHeld(), "a, a/b and a/b/file; 9,300 directories listed");
    }

    @Test
    void aDirectoryFinishesAfterItsLastBlobAndNotBeforeTheListingLeftItsName() {
        DirectoryScopes.Ticket t = scopes.listed("t");
        t.directoryTime(Path.of("/target/t"), FileTime.fromMillis(1000));
        scopes.done(t);
        scopes.done(scopes.listed("t-a"));
        scopes.done(scopes.listed("t.txt"));
        assertEquals(List.of(), finished.stream().filter("t"::equals).toList(),
                "t-a and t.txt sort between t and t/: the listing is still before t's children");
        assertEquals(List.of("t-a"), finished, "t-a is left once t.txt is listed");
        DirectoryScopes.Ticket slow = scopes.listed("t/c1");
        scopes.done(scopes.listed("t/c2"));
        DirectoryScopes.Ticket deep = scopes.listed("t/d/e/");
        scopes.done(scopes.listed("u"));
        assertEquals(List.of("t-a", "t.txt", "t/c2"), finished, "t/c1 and t/d/e are still being imported");
        scopes.done(deep);
        assertEquals(List.of("t-a", "t.txt", "t/c2", "t/d/e", "t/d"), finished);
        scopes.done(slow);
        assertEquals(List.of("t-a", "t.txt", "t/c2", "t/d/e", "t/d", "t/c1", "t"), finished);
        assertEquals(Map.of("t", FileTime.fromMillis(1000)), times);
        scopes.closeAll();
        assertEquals("u", finished.get(finished.size() - 1));
        assertEquals(0, scopes.held());
    }
}

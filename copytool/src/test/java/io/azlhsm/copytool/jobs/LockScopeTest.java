package io.azlhsm.copytool.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a lock claim covers and when two claims overlap. */
class LockScopeTest {
    @TempDir
    Path mount;

    private LockScope of(String... paths) throws Exception {
        return LockScope.of(mount, List.of(paths), Set.of(), false);
    }

    @Test
    void pathsAreNormalisedRelativeToTheMount() throws Exception {
        assertEquals(List.of(""), of("/").paths());
        assertEquals(List.of(""), of().paths(), "no path: the whole file system");
        assertEquals(List.of("a/b"), of("a/b").paths());
        assertEquals(List.of("a/b"), of("/a/./c/../b/").paths());
        assertEquals(List.of("a/b"), of(mount.resolve("a/b").toString()).paths(), "absolute under the mount");
        assertEquals(List.of("a", "b"), of("/b", "/a/x", "/a").paths(), "sorted, nothing inside another");
        assertThrows(IllegalArgumentException.class, () -> of("/../elsewhere"));
    }

    @Test
    void aLinkIsTheTreeItPointsTo() throws Exception {
        Files.createDirectories(mount.resolve("data/real"));
        Files.createSymbolicLink(mount.resolve("alias"), mount.resolve("data"));
        assertEquals(List.of("data/real/new"), of("/alias/real/new").paths());
        assertTrue(of("/alias").overlaps(of("/data/real")));
    }

    @Test
    void overlapIsAncestorOrEqualComponentByComponent() throws Exception {
        assertTrue(of("/a").overlaps(of("/a")));
        assertTrue(of("/a").overlaps(of("/a/b/c")));
        assertTrue(of("/a/b/c").overlaps(of("/a")));
        assertTrue(of("/").overlaps(of("/z")));
        assertTrue(of("/x", "/a/b").overlaps(of("/y", "/a")));
        assertFalse(of("/a").overlaps(of("/ab")), "a and ab are siblings");
        assertFalse(of("/a/b").overlaps(of("/a/c")));
        assertFalse(of("/a", "/b").overlaps(of("/c", "/d/a")));
    }

    @Test
    void exclusiveOverlapsEverythingAndACommonChangelogUserIsAnOverlap() throws Exception {
        LockScope exclusive = LockScope.of(mount, List.of("/q"), Set.of(), true);
        assertEquals(List.of(""), exclusive.paths());
        assertTrue(exclusive.overlaps(of("/z")));
        assertTrue(of("/z").overlaps(exclusive));
        LockScope reader1 = LockScope.of(mount, List.of("/a"), Set.of("cl1"), false);
        LockScope reader2 = LockScope.of(mount, List.of("/b"), Set.of("cl2", "cl1"), false);
        LockScope reader3 = LockScope.of(mount, List.of("/c"), Set.of("cl3"), false);
        assertTrue(reader1.overlaps(reader2), "both would clear cl1's records");
        assertFalse(reader1.overlaps(reader3));
    }

    @Test
    void coversSaysWhetherNewPathsStayInside() throws Exception {
        assertTrue(of("/a", "/b").covers(of("/a/x", "/b")));
        assertFalse(of("/a").covers(of("/a/x", "/c")));
        assertTrue(of("/").covers(of("/anything")));
    }

    @Test
    void aClaimKeepsItsScopeThroughItsFile() throws Exception {
        LockScope scope = LockScope.of(mount, List.of("/a b", "/c=d", "/é"), Set.of("cl1"), false);
        LockHolder holder = new LockHolder("export-x", "host", 7, 12, Instant.now(), scope, "12-00ff");
        Path file = mount.resolve("12-00ff");
        Files.writeString(file, holder.encode());
        LockHolder read = LockHolder.read(file).orElseThrow();
        assertEquals(scope, read.scope());
        assertEquals(holder, read.withWritten(holder.written()));
        // read before it was completely written (no closing line, a path missing): the whole file system
        String text = holder.encode();
        Files.writeString(file, text.substring(0, text.indexOf("path.1")));
        assertEquals(LockScope.exclusiveScope(), LockHolder.read(file).orElseThrow().scope());
        Files.writeString(file, "");
        assertEquals(LockScope.exclusiveScope(), LockHolder.read(file).orElseThrow().scope());
        // an earlier version's lock, without paths, counts as the whole file system, exclusively
        Path old = mount.resolve("lock");
        Files.writeString(old, "job=import-1\nhost=h\npid=3\ngeneration=4\n");
        assertEquals(LockScope.exclusiveScope(), LockHolder.read(old).orElseThrow().scope());
    }
}

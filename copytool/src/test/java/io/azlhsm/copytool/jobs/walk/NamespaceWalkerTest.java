package io.azlhsm.copytool.jobs.walk;

import io.azlhsm.copytool.lustre.HeldFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceWalkerTest {
    @TempDir
    Path mount;

    @Test
    void leavesOutTheJobsStateAndTheImportMarkerOfTheRootOnly() throws Exception {
        Files.createDirectories(mount.resolve(".azlhsm/jobs"));
        Files.createDirectories(mount.resolve(".lustre/fid"));
        Files.writeString(mount.resolve(".azlhsm/jobs/a.properties"), "x");
        Files.writeString(mount.resolve("IMPORT_InProgress.20261122T031800Z"), "");
        Files.createDirectories(mount.resolve("d/e"));
        Files.writeString(mount.resolve("d/IMPORT_InProgress.20261122T031800Z"), "not the marker: not in the root");
        Files.writeString(mount.resolve("d/e/f"), "f");
        Files.createSymbolicLink(mount.resolve("d/link"), mount.resolve("d/e/f"));
        List<String> seen = new ArrayList<>();
        new NamespaceWalker(mount).walk(mount, new NamespaceVisitor() {
            @Override
            public void directory(Path directory, BasicFileAttributes attributes) {
                seen.add("dir " + mount.relativize(directory));
            }

            @Override
            public void file(Path file, HeldFile held, BasicFileAttributes attributes) {
                seen.add("file " + mount.relativize(file));
            }

            @Override
            public void other(Path path, BasicFileAttributes attributes) {
                seen.add("other " + mount.relativize(path));
            }

            @Override
            public void failed(Path path, IOException cause) {
                seen.add("failed " + path);
            }
        });
        seen.sort(null);
        assertEquals(List.of("dir ", "dir d", "dir d/e", "file d/IMPORT_InProgress.20261122T031800Z", "file d/e/f",
                "other d/link"), seen);
    }

    @Test
    void eachFileIsHeldByADescriptorForTheVisitOnlyAFileStartToo() throws Exception {
        Files.createDirectories(mount.resolve("x/y"));
        Files.writeString(mount.resolve("x/y/f"), "f");
        Files.writeString(mount.resolve("x/g"), "g");
        List<String> seen = new ArrayList<>();
        List<HeldFile> helds = new ArrayList<>();
        NamespaceVisitor visitor = new NamespaceVisitor() {
            @Override
            public void file(Path file, HeldFile held, BasicFileAttributes attributes) throws Exception {
                assertTrue(Files.isSameFile(file, held.path()), held.path() + " is " + file);
                assertTrue(held.path().startsWith("/proc/self/fd"), held.path().toString());
                assertTrue(held.fd() >= 0);
                helds.add(held);
                seen.add(mount.relativize(file).toString());
            }

            @Override
            public void failed(Path path, IOException cause) {
                seen.add("failed " + path);
            }
        };
        new NamespaceWalker(mount).walk(mount.resolve("x"), visitor);
        new NamespaceWalker(mount).walk(mount.resolve("x/g"), visitor);
        seen.sort(null);
        assertEquals(List.of("x/g", "x/g", "x/y/f"), seen);
        for (HeldFile held : helds) {
            assertThrows(IllegalStateException.class, held::path, "closed once its visit ended: " + held);
        }
    }

    @Test
    void aVisitorExceptionStopsTheWalkUnchanged() throws Exception {
        Files.writeString(mount.resolve("a"), "a");
        IllegalStateException stop = new IllegalStateException("cancelled");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> new NamespaceWalker(mount).walk(mount, new NamespaceVisitor() {
                    @Override
                    public void file(Path file, HeldFile held, BasicFileAttributes attributes) {
                        throw stop;
                    }

                    @Override
                    public void failed(Path path, IOException cause) {
                    }
                }));
        assertEquals(stop, thrown);
    }

    @Test
    void aVisitorsIOExceptionIsNotTakenForTheListingsFailure() throws Exception {
        Files.createDirectories(mount.resolve("x"));
        Files.writeString(mount.resolve("x/a"), "a");
        IOException stop = new IOException("the visitor's own");
        List<String> failed = new ArrayList<>();
        IOException thrown = assertThrows(IOException.class,
                () -> new NamespaceWalker(mount).walk(mount, new NamespaceVisitor() {
                    @Override
                    public void file(Path file, HeldFile held, BasicFileAttributes attributes) throws IOException {
                        throw stop;
                    }

                    @Override
                    public void failed(Path path, IOException cause) {
                        failed.add(path + ": " + cause);
                    }
                }));
        assertEquals(stop, thrown);
        assertEquals(List.of(), failed);
    }

    @Test
    void pathsResolveInsideTheMountOnly() throws Exception {
        Files.createDirectories(mount.resolve("a/b"));
        assertEquals(mount, MountPaths.resolve(mount, "/"));
        assertEquals(mount, MountPaths.resolve(mount, ""));
        assertEquals(mount.resolve("a/b"), MountPaths.resolve(mount, "a/b"));
        assertEquals(mount.resolve("a/b"), MountPaths.resolve(mount, "/a/b"));
        assertEquals(mount.resolve("a/b"), MountPaths.resolve(mount, mount.resolve("a/b").toString()));
        assertThrows(IllegalArgumentException.class, () -> MountPaths.resolve(mount, "a/../../etc"));
        assertThrows(NoSuchFileException.class, () -> MountPaths.resolve(mount, "missing"));
    }
}

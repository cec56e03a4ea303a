package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The capacity the simulated file system reports through statfs when one is configured: the bytes written, as a
 * decimal number, in {@code <root>/state/capacity} (read on every statfs, so a test may change it while the cluster
 * runs; without the file, statfs reports the backing file system's figures, as before).
 *
 * <p>On Lustre a client's statfs (and {@code lfs df}) reports the OSTs' space: ll_statfs_internal takes os_blocks,
 * os_bfree and os_bavail from the OSTs (lustre/llite/llite_lib.c 2759-2771). The OSTs hold file data only, so the
 * space used here is the data of the file system's regular files (and of restores' volatile files, which are OST
 * objects too) in whole 4 KiB blocks; a released file occupies nothing, because the release swaps its layout with
 * an orphan's and the orphan's OST objects go (lustre/mdt/mdt_open.c 2170-2173, mdt_hsm_release). Hard links count
 * once. Directories and metadata live on the MDTs and are not counted. Reserved space is not modelled: f_bavail
 * equals f_bfree.
 *
 * <p>Not faithful: Lustre caches statfs for OBD_STATFS_CACHE_SECONDS (1 s, lustre/include/obd.h 416), this answers
 * from a walk of the backing tree every time (cost in proportion to the files; meant for tests with few files), and
 * it counts a file's size rather than the blocks an OST allocated (sparse files count in full).
 */
final class SimulatedCapacity {
    static final long BLOCK = 4096;
    static final String FILE_NAME = "capacity";

    private final Namespace ns;

    SimulatedCapacity(Namespace ns) {
        this.ns = ns;
    }

    /** The configured capacity in bytes, if one is. */
    Optional<Long> configured() throws IOException {
        Path file = ns.stateDirectory().resolve(FILE_NAME);
        String text;
        try {
            text = Files.readString(file).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            long bytes = Long.parseLong(text);
            if (bytes <= 0) {
                throw new IOException(file + ": capacity must be a positive byte count, not " + text);
            }
            return Optional.of(bytes);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": capacity must be a byte count, not '" + text + "'", e);
        }
    }

    /** Bytes the file data occupies on the simulated OSTs. */
    long used() throws IOException {
        Set<Object> seen = new HashSet<>();
        return usedUnder(ns.backingRoot(), seen) + usedUnder(ns.volatileDirectory(), seen);
    }

    private static long usedUnder(Path dir, Set<Object> seen) throws IOException {
        long used = 0;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                used += occupied(p, seen);
            }
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) { // removed during the walk: it occupies nothing
                throw e.getCause();
            }
        }
        return used;
    }

    private static long occupied(Path p, Set<Object> seen) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return 0;
        }
        if (!a.isRegularFile() || (a.fileKey() != null && !seen.add(a.fileKey()))) {
            return 0;
        }
        try {
            if (Namespace.readHsm(p).has(HsmFlags.RELEASED)) {
                return 0;
            }
        } catch (SimulatorException e) {
            return 0; // removed between the stat and the xattr read
        }
        return (a.size() + BLOCK - 1) / BLOCK * BLOCK;
    }
}

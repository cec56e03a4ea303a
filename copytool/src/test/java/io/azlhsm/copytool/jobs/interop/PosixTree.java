package io.azlhsm.copytool.jobs.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tree's entries and their POSIX attributes, as lstat sees them, and how two trees differ attribute by attribute
 * under what a tool keeps ({@link Kept}). Also builds the tree the interoperability suite moves: files with owners,
 * modes (setuid, setgid, sticky), nanosecond mtimes, an empty file, directories and symlinks.
 */
final class PosixTree {
    enum Type { FILE, DIRECTORY, SYMLINK }

    record Entry(Type type, int mode, int uid, int gid, Instant mtime, String target, long size) {
    }

    /**
     * What survives a crossing.
     *
     * @param modeBits     the mode bits compared (07777 all, 0777 without set-id and sticky)
     * @param owners       uid and gid of files and directories
     * @param wholeSeconds mtimes compared in whole seconds (the copy's mtime is the original's, truncated)
     * @param directories  directories' mode, owner and mtime compared, and empty directories expected; else only
     *                     that each directory holding something exists
     * @param linkAttrs    a symlink's own owner and mtime compared (its target always is)
     */
    record Kept(int modeBits, boolean owners, boolean wholeSeconds, boolean directories, boolean linkAttrs) {
    }

    private PosixTree() {
    }

    /** Every entry under root (root itself as ""), by relative path; symlinks are not followed. */
    static Map<String, Entry> read(Path root) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                entries.put(root.relativize(path).toString(), entry(path));
            }
        }
        return entries;
    }

    static Entry entry(Path path) throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid,lastModifiedTime,size,isDirectory,"
                + "isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
        Type type = (Boolean) unix.get("isSymbolicLink") ? Type.SYMLINK
                : (Boolean) unix.get("isDirectory") ? Type.DIRECTORY : Type.FILE;
        return new Entry(type, (Integer) unix.get("mode") & 07777, (Integer) unix.get("uid"),
                (Integer) unix.get("gid"), ((FileTime) unix.get("lastModifiedTime")).toInstant(),
                type == Type.SYMLINK ? Files.readSymbolicLink(path).toString() : null,
                type == Type.FILE ? (Long) unix.get("size") : 0);
    }

    /**
     * The differences of copy from original (both read with {@link #read}) under what is kept, one line each; file
     * contents compared byte for byte (reading an imported stub restores it).
     */
    static List<String> differences(Path originalRoot, Path copyRoot, Kept kept) throws IOException {
        Map<String, Entry> original = read(originalRoot);
        Map<String, Entry> copy = read(copyRoot);
        if (!kept.directories()) {
            List<String> empty = original.keySet().stream().filter(name -> original.get(name).type() == Type.DIRECTORY
                    && original.keySet().stream().noneMatch(other -> !other.equals(name)
                    && (name.isEmpty() || other.startsWith(name + "/")))).toList();
            empty.forEach(original::remove);
        }
        List<String> found = new ArrayList<>();
        if (!original.keySet().equals(copy.keySet())) {
            found.add("entries: original " + original.keySet() + ", copy " + copy.keySet());
        }
        for (Map.Entry<String, Entry> e : original.entrySet()) {
            String name = e.getKey().isEmpty() ? "(root)" : e.getKey();
            Entry want = e.getValue();
            Entry got = copy.get(e.getKey());
            if (got == null) {
                continue;
            }
            if (want.type() != got.type()) {
                found.add(name + ": type " + want.type() + " became " + got.type());
                continue;
            }
            boolean link = want.type() == Type.SYMLINK;
            if (want.type() == Type.DIRECTORY && !kept.directories()) {
                continue; // it exists: that is all
            }
            if (link) {
                compare(found, name, "target", want.target(), got.target());
            } else {
                compare(found, name, "mode", "0" + Integer.toOctalString(want.mode() & kept.modeBits()),
                        "0" + Integer.toOctalString(got.mode() & kept.modeBits()));
            }
            if (kept.owners() && (!link || kept.linkAttrs())) {
                compare(found, name, "uid", want.uid(), got.uid());
                compare(found, name, "gid", want.gid(), got.gid());
            }
            boolean mtimes = switch (want.type()) {
                case FILE -> true;
                case DIRECTORY -> true; // reached only when directories are compared
                case SYMLINK -> kept.linkAttrs();
            };
            if (mtimes) {
                Instant wantTime = kept.wholeSeconds() ? Instant.ofEpochSecond(want.mtime().getEpochSecond())
                        : want.mtime();
                compare(found, name, "mtime", wantTime, got.mtime());
            }
            if (want.type() == Type.FILE) {
                compare(found, name, "size", want.size(), got.size());
                if (want.size() == got.size() && !java.util.Arrays.equals(
                        Files.readAllBytes(originalRoot.resolve(e.getKey())),
                        Files.readAllBytes(copyRoot.resolve(e.getKey())))) {
                    found.add(name + ": content differs");
                }
            }
        }
        return found;
    }

    private static void compare(List<String> found, String name, String what, Object want, Object got) {
        if (!Objects.equals(want, got)) {
            found.add(name + ": " + what + " " + want + " became " + got);
        }
    }

    /**
     * Builds the suite's tree under root (which must not exist): every attribute a tool might keep or lose, with
     * nanosecond mtimes set last (directories after their children).
     */
    static void build(Path root) throws IOException {
        Files.createDirectories(root.resolve("sub"));
        Files.createDirectories(root.resolve("shared"));
        file(root.resolve("plain.txt"), 3_000, 1001, 1002, 0640, Instant.ofEpochSecond(1_600_000_000L, 123_456_789));
        file(root.resolve("suid.bin"), 10_000, 1003, 1004, 04755, Instant.ofEpochSecond(1_600_000_100L, 5));
        file(root.resolve("empty"), 0, 0, 0, 0600, Instant.ofEpochSecond(1_600_000_200L));
        file(root.resolve("sub/nested.dat"), 70_000, 1005, 1006, 0444, Instant.ofEpochSecond(1_500_000_000L, 1));
        Path relative = Files.createSymbolicLink(root.resolve("sub/link"), Path.of("../plain.txt"));
        owner(relative, 1007, 1008);
        times(relative, Instant.ofEpochSecond(1_400_000_000L, 400));
        Path absolute = Files.createSymbolicLink(root.resolve("absolute-link"), Path.of("/nowhere/at/all"));
        times(absolute, Instant.ofEpochSecond(1_400_000_001L));
        directory(root.resolve("sub"), 1005, 1006, 02750, Instant.ofEpochSecond(1_300_000_000L, 300));
        directory(root.resolve("shared"), 0, 0, 01777, Instant.ofEpochSecond(1_300_000_001L));
        directory(root, 1001, 1002, 0755, Instant.ofEpochSecond(1_200_000_000L, 200));
    }

    private static void file(Path path, int size, int uid, int gid, int mode, Instant mtime) throws IOException {
        byte[] content = new byte[size];
        new Random(path.getFileName().toString().hashCode()).nextBytes(content);
        Files.write(path, content);
        owner(path, uid, gid);
        Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS); // after chown, which clears set-id
        times(path, mtime);
    }

    private static void directory(Path path, int uid, int gid, int mode, Instant mtime) throws IOException {
        owner(path, uid, gid);
        Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        times(path, mtime);
    }

    private static void owner(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    private static void times(Path path, Instant mtime) throws IOException {
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(mtime), null, null);
    }
}

package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a job's lock claim covers: the trees it works on (normalised, relative to the mount, {@code ""} for the whole
 * file system), the changelog users it reads and clears, and whether it was started {@code --exclusive}. Two scopes
 * overlap when one path is an ancestor of or equal to the other (component by component: {@code a} and {@code ab}
 * do not overlap), when they name a common changelog user (two readers of one changelog user would clear each
 * other's records), or when either is exclusive.
 *
 * @param paths          sorted, none inside another; {@code [""]} for the whole file system
 * @param changelogUsers changelog user ids ({@code cl1}), whatever MDT they were given for (a common id counts as an
 *                       overlap even on different MDTs: safe, and users are normally registered alike on every MDT)
 */
public record LockScope(List<String> paths, Set<String> changelogUsers, boolean exclusive) {
    /** The whole file system, not exclusive: what a job declares when it cannot tell which paths it touches. */
    public static final List<String> WHOLE_FILE_SYSTEM = List.of("/");

    public LockScope {
        paths = exclusive ? List.of("") : minimal(paths);
        changelogUsers = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(changelogUsers));
    }

    /** The whole file system, exclusive: {@code --exclusive}, and a lock written by a version before this scope. */
    public static LockScope exclusiveScope() {
        return new LockScope(List.of(""), Set.of(), true);
    }

    /**
     * Normalises the paths a job gave (relative to the mount, or absolute under it; {@code "/"} is the whole file
     * system). An existing path is resolved through symbolic links (so {@code /link} and the tree it points to are
     * one path); a path that does not exist yet (an import's target) is normalised lexically below its deepest
     * existing ancestor, resolved the same way.
     *
     * @throws IllegalArgumentException when a path leaves the mount
     */
    public static LockScope of(Path mount, Collection<String> given, Set<String> changelogUsers, boolean exclusive)
            throws IOException {
        Path root = real(mount.toAbsolutePath().normalize());
        List<String> paths = new ArrayList<>();
        for (String path : given.isEmpty() ? WHOLE_FILE_SYSTEM : given) {
            paths.add(relative(mount.toAbsolutePath().normalize(), root, path));
        }
        return new LockScope(paths, changelogUsers, exclusive);
    }

    private static String relative(Path mount, Path root, String given) throws IOException {
        Path path;
        if (given == null || given.isEmpty() || given.equals("/")) {
            path = root;
        } else {
            Path asGiven = Path.of(given).normalize();
            if (asGiven.isAbsolute() && asGiven.startsWith(mount)) {
                path = root.resolve(mount.relativize(asGiven));
            } else if (asGiven.isAbsolute() && asGiven.startsWith(root)) {
                path = asGiven;
            } else {
                path = root.resolve(given.startsWith("/") ? given.substring(1) : given).normalize();
            }
            path = real(path);
        }
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("path '" + given + "' is outside the file system mounted at " + mount);
        }
        String relative = root.relativize(path).toString();
        return relative.equals(".") ? "" : relative;
    }

    /** The path with its deepest existing ancestor resolved through links; the rest as given. */
    private static Path real(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        return existing.toRealPath().resolve(existing.relativize(path)).normalize();
    }

    /** Sorted, without duplicates and without paths inside another of the list. */
    private static List<String> minimal(Collection<String> given) {
        List<String> kept = new ArrayList<>();
        for (String path : new TreeSet<>(given)) {
            if (kept.stream().noneMatch(k -> within(path, k))) {
                kept.add(path);
            }
        }
        return List.copyOf(kept.isEmpty() ? List.of("") : kept);
    }

    /** True when {@code path} is {@code ancestor} or inside it. */
    static boolean within(String path, String ancestor) {
        return ancestor.isEmpty() || path.equals(ancestor) || path.startsWith(ancestor + "/");
    }

    /** True when every path of {@code other} is inside one of this scope's paths (a reload must stay inside). */
    public boolean covers(LockScope other) {
        return other.paths.stream().allMatch(p -> paths.stream().anyMatch(mine -> within(p, mine)));
    }

    /** True when the two may not run at the same time (see the class comment). */
    public boolean overlaps(LockScope other) {
        if (exclusive || other.exclusive) {
            return true;
        }
        for (String user : changelogUsers) {
            if (other.changelogUsers.contains(user)) {
                return true;
            }
        }
        for (String mine : paths) {
            for (String theirs : other.paths) {
                if (within(mine, theirs) || within(theirs, mine)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** For messages: "/a, /b" or "the whole file system (exclusive)", and the changelog users. */
    public String describe() {
        String where = exclusive ? "the whole file system (--exclusive)"
                : paths.equals(List.of("")) ? "the whole file system"
                : String.join(", ", paths.stream().map(p -> "/" + p).toList());
        return changelogUsers.isEmpty() ? where : where + ", changelog users " + String.join(",", changelogUsers);
    }
}

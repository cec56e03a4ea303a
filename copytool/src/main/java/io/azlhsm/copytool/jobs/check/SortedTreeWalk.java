package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Yields the regular files and symlinks of a tree in the order a blob listing gives their names: the full relative
 * paths ascending by {@link String#compareTo}. Depth first, each directory's entries sorted by name, a directory's
 * name taken with its trailing {@code /}: so {@code a.b} (0x2E) comes before the directory {@code a} ({@code a/},
 * 0x2F), as blob {@code a.b} comes before {@code a/x}.
 *
 * <p>Memory holds the entries of the directories on the current path only, never the whole tree. The job's own
 * state ({@code <mount>/.azlhsm}, {@code .lustre}, import markers) is left out as every job leaves it out.
 */
final class SortedTreeWalk {
    /** A file or symlink of the tree; {@code relative} is its path relative to the mount, '/'-separated. */
    record Entry(Path path, String relative, BasicFileAttributes attributes) {
        boolean symlink() {
            return attributes.isSymbolicLink();
        }
    }

    /** Told about an entry that could not be read or listed; the walk goes on with its siblings. */
    interface Failures {
        void failed(Path path, IOException cause);
    }

    private record Child(String key, Path path, BasicFileAttributes attributes) {
    }

    private final Path mount;
    private final NamespaceWalker rules;
    private final Failures failures;
    private final Deque<Iterator<Child>> stack = new ArrayDeque<>();
    private Entry single;

    /**
     * @param mount absolute, normalized mount path
     * @param start a directory or file under it
     * @throws IOException when start itself cannot be read
     */
    SortedTreeWalk(Path mount, Path start, Failures failures) throws IOException {
        this.mount = mount;
        this.rules = new NamespaceWalker(mount);
        this.failures = failures;
        BasicFileAttributes attributes = Files.readAttributes(start, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isDirectory()) {
            stack.push(children(start).iterator());
        } else if (attributes.isRegularFile() || attributes.isSymbolicLink()) {
            single = entry(start, attributes);
        }
    }

    /** The next file or symlink, or null at the end. */
    Entry next() {
        if (single != null) {
            Entry entry = single;
            single = null;
            return entry;
        }
        while (!stack.isEmpty()) {
            Iterator<Child> top = stack.peek();
            if (!top.hasNext()) {
                stack.pop();
                continue;
            }
            Child child = top.next();
            if (child.attributes().isDirectory()) {
                try {
                    stack.push(children(child.path()).iterator());
                } catch (IOException e) {
                    failures.failed(child.path(), e);
                }
            } else if (child.attributes().isRegularFile() || child.attributes().isSymbolicLink()) {
                return entry(child.path(), child.attributes());
            }
        }
        return null;
    }

    private Entry entry(Path path, BasicFileAttributes attributes) {
        return new Entry(path, mount.relativize(path).toString(), attributes);
    }

    private List<Child> children(Path directory) throws IOException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path path : entries) {
                if (rules.isJobState(path)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    failures.failed(path, e);
                    continue;
                }
                String name = path.getFileName().toString();
                children.add(new Child(attributes.isDirectory() ? name + "/" : name, path, attributes));
            }
        }
        children.sort(Comparator.comparing(Child::key));
        return children;
    }
}

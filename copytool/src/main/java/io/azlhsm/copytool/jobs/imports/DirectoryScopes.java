package io.azlhsm.copytool.jobs.imports;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells the importer when it is done with a directory, so that what it keeps per directory (the time a directory blob
 * gives it, which creating children would move; what {@link DirectoryMaker} knows of it) is applied and dropped then,
 * not held until the job ends: the memory is bounded by the tree's depth, not by its number of directories.
 *
 * <p>A listing returns names in order (Azure and the posix archive both list in name order), and all names that start
 * with a given string come one after another. So once a listed name no longer starts with {@code d}, no later one
 * will: not {@code d} itself, not a sibling that only shares its start ({@code d-1}, {@code d.txt}, which sort
 * before {@code d/}), and nothing below {@code d/}. A directory's scope is therefore <em>open</em> while the listed
 * names start with its key (its name relative to the archive prefix, without a trailing '/'), and <em>closed</em>
 * after. Its blobs are imported in parallel, so a closed scope is <em>finished</em> (handed to the importer) only
 * when the last blob in it, the directory's own blob included, is done.
 *
 * <p>Open scopes all are string prefixes of the last listed name, so there are at most as many as that name has
 * '/'-separated ancestors, plus names it extends (a file {@code a/b} while {@code a/bc/..} is listed); closed scopes
 * still busy are held by blobs being imported, at most {@code depth + 1} each. Every listed name opens a scope for
 * itself too: whether a blob is a directory is known only once a worker decoded its metadata.
 *
 * <p>Thread-safe: the lister calls {@link #listed} in listing order, workers call {@link #done}; the finisher runs
 * outside the lock, in whichever thread made the scope finish.
 */
final class DirectoryScopes {
    /** One directory (or a name that may be one) the listing is in or was in. */
    static final class Scope {
        private final String key;
        private boolean open = true;
        private int busy;
        private Path path;
        private FileTime time;

        private Scope(String key) {
            this.key = key;
        }

        /** The name relative to the archive prefix, without a trailing '/'. */
        String key() {
            return key;
        }

        /** The directory blob's time, to set once everything in the directory is done (null: none to set). */
        synchronized FileTime time() {
            return time;
        }

        /** The directory the time is for (null without a time). */
        synchronized Path path() {
            return path;
        }
    }

    /** The scopes one listed blob is in: its ancestors' and its own. */
    static final class Ticket {
        /** In no scope: a blob imported on its own (a check's repair), whose directory time is not kept. */
        static final Ticket NONE = new Ticket(List.of());

        private final List<Scope> scopes;

        private Ticket(List<Scope> scopes) {
            this.scopes = scopes;
        }

        /** Records the time of the directory this blob named, set when the directory is finished. */
        void directoryTime(Path directory, FileTime time) {
            if (scopes.isEmpty()) {
                return;
            }
            Scope own = scopes.get(scopes.size() - 1);
            synchronized (own) {
                own.path = directory;
                own.time = time;
            }
        }
    }

    private final Consumer<Scope> finisher;
    /** Open scopes, each a string prefix of the next, the last listed name's longest on top. */
    private final Deque<Scope> open = new ArrayDeque<>();
    private int held;
    private int peakHeld;

    /** @param finisher told once of each scope, when it is closed and nothing in it is being imported any more */
    DirectoryScopes(Consumer<Scope> finisher) {
        this.finisher = finisher;
    }

    /**
     * The listing reached {@code key} (the blob's name relative to the archive prefix; a trailing '/' is dropped):
     * closes the scopes it left and opens the blob's own and its ancestors'. The blob is busy in them until
     * {@link #done}. A null key (a name that is no path) closes nothing and is in no scope.
     */
    Ticket listed(String key) {
        if (key == null) {
            return Ticket.NONE;
        }
        String name = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        List<Scope> finished = new ArrayList<>();
        Ticket ticket;
        synchronized (this) {
            while (!open.isEmpty() && !name.startsWith(open.peekLast().key)) {
                close(open.removeLast(), finished);
            }
            List<Scope> scopes = new ArrayList<>();
            for (int slash = name.indexOf('/'); ; slash = name.indexOf('/', slash + 1)) {
                String scopeKey = slash < 0 ? name : name.substring(0, slash);
                if (!scopeKey.isEmpty()) {
                    Scope scope = openScope(scopeKey);
                    scope.busy++;
                    scopes.add(scope);
                }
                if (slash < 0) {
                    break;
                }
            }
            ticket = new Ticket(scopes);
        }
        finished.forEach(finisher);
        return ticket;
    }

    /** The blob of this ticket is done (imported, failed or skipped). */
    void done(Ticket ticket) {
        List<Scope> finished = new ArrayList<>();
        synchronized (this) {
            for (int i = ticket.scopes.size() - 1; i >= 0; i--) { // deepest first: children before parents
                Scope scope = ticket.scopes.get(i);
                scope.busy--;
                if (!scope.open && scope.busy == 0) {
                    finish(scope, finished);
                }
            }
        }
        finished.forEach(finisher);
    }

    /** The listing of one prefix ended: every open scope is closed (another prefix never reaches it again). */
    void closeAll() {
        List<Scope> finished = new ArrayList<>();
        synchronized (this) {
            while (!open.isEmpty()) {
                close(open.removeLast(), finished);
            }
        }
        finished.forEach(finisher);
    }

    /** Scopes held now: open, or closed with blobs still being imported. */
    synchronized int held() {
        return held;
    }

    /** The most scopes ever held at once. */
    synchronized int peakHeld() {
        return peakHeld;
    }

    private Scope openScope(String key) {
        for (Scope scope : open) {
            if (scope.key.equals(key)) {
                return scope;
            }
        }
        // Every open scope is a string prefix of the listed name, and so of this longer key: it goes on top.
        Scope scope = new Scope(key);
        open.addLast(scope);
        held++;
        peakHeld = Math.max(peakHeld, held);
        return scope;
    }

    private void close(Scope scope, List<Scope> finished) {
        scope.open = false;
        if (scope.busy == 0) {
            finish(scope, finished);
        }
    }

    private void finish(Scope scope, List<Scope> finished) {
        held--;
        finished.add(scope);
    }
}

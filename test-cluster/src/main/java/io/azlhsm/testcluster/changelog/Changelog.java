package io.azlhsm.testcluster.changelog;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.Fid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The MDT's changelog: records are kept while at least one reader (changelog user, "clN") is registered, and
 * purged once every user has cleared them. Records and users persist in the state directory. Readers may follow
 * the log: {@link #awaitAfter} blocks until a newer record exists.
 */
public final class Changelog {
    private final Path recordsFile;
    private final Path usersFile;
    private final List<ChangelogRecord> records = new ArrayList<>();
    private final TreeMap<Integer, Long> users = new TreeMap<>(); // user id -> last cleared index
    private long lastIndex;
    private int lastUser;

    public Changelog(Path stateDir) {
        this(stateDir, "changelog");
    }

    /** @param name the state files' base name (one changelog per MDT) */
    Changelog(Path stateDir, String name) {
        this.recordsFile = stateDir.resolve(name + ".records");
        this.usersFile = stateDir.resolve(name + ".users");
        load();
    }

    public synchronized boolean isActive() {
        return !users.isEmpty();
    }

    /** Appends a record about target (a name record when parent and name are given) if anyone reads the log. */
    public synchronized void add(int type, int flags, Fid target, Fid parent, String name) {
        addRecord(type, flags, target, parent, name, null, null, null);
    }

    /** Appends a rename record: target is the file the rename overwrote (zero FID if none). */
    public synchronized void addRename(int flags, Fid overwritten, Fid parent, String name, Fid source,
                                       Fid sourceParent, String sourceName) {
        addRecord(ChangelogRecord.CL_RENAME, flags, overwritten, parent, name, source, sourceParent, sourceName);
    }

    private void addRecord(int type, int flags, Fid target, Fid parent, String name, Fid source, Fid sourceParent,
                           String sourceName) {
        if (users.isEmpty()) {
            return;
        }
        ChangelogRecord r = new ChangelogRecord(++lastIndex, type, flags, ChangelogRecord.now(), target,
                parent == null ? Fid.ZERO : parent, name == null ? "" : name, source, sourceParent, sourceName);
        records.add(r);
        append(r);
        notifyAll();
    }

    /** lctl changelog_register: the new user's id, "clN". */
    public synchronized String register() {
        users.put(++lastUser, lastIndex);
        saveUsers();
        return "cl" + lastUser;
    }

    public synchronized void deregister(String id) throws SimulatorException {
        if (users.remove(userNumber(id)) == null) {
            throw new SimulatorException(Errno.ENOENT, "no changelog user " + id);
        }
        purge();
    }

    /** llapi_changelog_clear: the user has consumed records up to endrec (0: all there are). */
    public synchronized void clear(String id, long endrec) throws SimulatorException {
        int user = userNumber(id);
        if (!users.containsKey(user)) {
            throw new SimulatorException(Errno.ENOENT, "no changelog user " + id);
        }
        if (endrec > lastIndex) {
            throw new SimulatorException(Errno.EINVAL, "record " + endrec + " does not exist yet");
        }
        users.put(user, Math.max(users.get(user), endrec == 0 ? lastIndex : endrec));
        purge();
    }

    private static int userNumber(String id) throws SimulatorException {
        try {
            return Integer.parseInt(id.startsWith("cl") ? id.substring(2) : id);
        } catch (NumberFormatException e) {
            throw new SimulatorException(Errno.EINVAL, "bad changelog user " + id);
        }
    }

    /** Records with index >= start, in order. */
    public synchronized List<ChangelogRecord> from(long start) {
        List<ChangelogRecord> out = new ArrayList<>();
        for (ChangelogRecord r : records) {
            if (r.index() >= start) {
                out.add(r);
            }
        }
        return out;
    }

    /** Waits up to millis for a record with an index above index. */
    public synchronized void awaitAfter(long index, long millis) throws InterruptedException {
        if (lastIndex <= index) {
            wait(millis);
        }
    }

    private void purge() {
        long upTo = users.isEmpty() ? lastIndex : users.values().stream().mapToLong(Long::longValue).min().orElse(0);
        records.removeIf(r -> r.index() <= upTo);
        saveUsers();
        saveRecords();
    }

    // ------------------------------------------------------------------ persistence: one line per record / user

    private static String line(ChangelogRecord r) {
        return r.index() + " " + r.type() + " " + r.flags() + " " + r.time() + " " + r.targetFid() + " "
                + r.parentFid() + " " + (r.sourceFid() == null ? "-" : r.sourceFid()) + " "
                + (r.sourceParentFid() == null ? "-" : r.sourceParentFid()) + " "
                + (r.sourceName() == null ? "-" : java.net.URLEncoder.encode(r.sourceName(), StandardCharsets.UTF_8))
                + " " + java.net.URLEncoder.encode(r.name(), StandardCharsets.UTF_8);
    }

    private void append(ChangelogRecord r) {
        try {
            Files.writeString(recordsFile, line(r) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void saveRecords() {
        StringBuilder sb = new StringBuilder();
        records.forEach(r -> sb.append(line(r)).append('\n'));
        write(recordsFile, sb.toString());
    }

    private void saveUsers() {
        StringBuilder sb = new StringBuilder("last_index " + lastIndex + "\nlast_user " + lastUser + "\n");
        for (Map.Entry<Integer, Long> e : users.entrySet()) {
            sb.append("user ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        write(usersFile, sb.toString());
    }

    private static void write(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void load() {
        try {
            if (Files.exists(usersFile)) {
                for (String l : Files.readAllLines(usersFile)) {
                    String[] f = l.split(" ");
                    switch (f[0]) {
                        case "last_index" -> lastIndex = Long.parseLong(f[1]);
                        case "last_user" -> lastUser = Integer.parseInt(f[1]);
                        case "user" -> users.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        default -> { }
                    }
                }
            }
            if (Files.exists(recordsFile)) {
                for (String l : Files.readAllLines(recordsFile)) {
                    if (l.isBlank()) {
                        continue;
                    }
                    // index type flags time tfid pfid sfid spfid sname name (names URL-encoded, "-": none)
                    String[] f = l.split(" ", 10);
                    ChangelogRecord r = new ChangelogRecord(Long.parseLong(f[0]), Integer.parseInt(f[1]),
                            Integer.parseInt(f[2]), Long.parseLong(f[3]), Fid.parse(f[4]), Fid.parse(f[5]),
                            java.net.URLDecoder.decode(f.length > 9 ? f[9] : "", StandardCharsets.UTF_8),
                            f[6].equals("-") ? null : Fid.parse(f[6]), f[7].equals("-") ? null : Fid.parse(f[7]),
                            f[8].equals("-") ? null : java.net.URLDecoder.decode(f[8], StandardCharsets.UTF_8));
                    records.add(r);
                    lastIndex = Math.max(lastIndex, r.index());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

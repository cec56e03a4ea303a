package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * One taking of the job lock (a claim in {@code .azlhsm/locks/}, see {@link JobLock}): the job id, the process (host
 * and pid) running it, the lock's generation (its fencing token) and what it covers.
 *
 * @param generation 0 in a lock written by a version without fencing
 * @param written    when the claim file was last modified
 * @param scope      the paths and changelog users the job works on; a lock written before scopes existed (the
 *                   single {@code .azlhsm/lock} of earlier versions) covers the whole file system, exclusively
 * @param claim      the claim's file name in {@code .azlhsm/locks/} ({@code <generation>-<random>}, never used twice);
 *                   empty for the single lock of earlier versions
 */
public record LockHolder(String jobId, String host, long pid, long generation, Instant written, LockScope scope,
                         String claim) {
    /** The claim's last line: without it, the claim was read before it was completely written. */
    private static final String COMPLETE = "complete";

    /** A holder of the whole file system (exclusive), as the single lock of earlier versions was. */
    public LockHolder(String jobId, String host, long pid, long generation, Instant written) {
        this(jobId, host, pid, generation, written, LockScope.exclusiveScope(), "");
    }

    /** A holder without a generation (a lock written before fencing). */
    public LockHolder(String jobId, String host, long pid, Instant written) {
        this(jobId, host, pid, 0, written);
    }

    /** The same holder with another modification time (the file's time is not part of who holds the lock). */
    LockHolder withWritten(Instant time) {
        return new LockHolder(jobId, host, pid, generation, time, scope, claim);
    }

    String encode() {
        StringBuilder text = new StringBuilder();
        Properties p = new Properties();
        p.setProperty("job", jobId);
        p.setProperty("host", host);
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("generation", Long.toString(generation));
        p.setProperty("exclusive", Boolean.toString(scope.exclusive()));
        List<String> paths = scope.paths();
        for (int i = 0; i < paths.size(); i++) {
            p.setProperty("path." + i, "/" + paths.get(i));
        }
        int i = 0;
        for (String user : scope.changelogUsers()) {
            p.setProperty("changelog_user." + i++, user);
        }
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        // Properties.store writes a date comment first; the claim needs none
        out.toString().lines().filter(line -> !line.startsWith("#")).sorted()
                .forEach(line -> text.append(line).append('\n'));
        // last: a reader that finds it has the whole claim (see read)
        return text.append(COMPLETE).append("=true\n").toString();
    }

    /**
     * True when {@code other} is this very taking of the lock. The generation alone is not enough: a taker that stalls
     * inside {@link JobLock#acquire} can, rarely, reuse a number (see there), but never with the same job, host and
     * pid.
     */
    boolean sameTaking(LockHolder other) {
        return generation == other.generation && pid == other.pid && host.equals(other.host)
                && jobId.equals(other.jobId);
    }

    /** For messages: "job J on host H pid P (lock generation G)". */
    String describe() {
        return "job " + (jobId.isEmpty() ? "(starting)" : jobId) + " on host " + host + " pid " + pid
                + " (lock generation " + generation + ")";
    }

    /** The same holder under its claim's file name. */
    LockHolder withClaim(String name) {
        return new LockHolder(jobId, host, pid, generation, written, scope, name);
    }

    /** @param lock a claim in {@code locks/} (its name becomes {@link #claim}) or the single lock of before */
    static Optional<LockHolder> read(Path lock) throws IOException {
        String text;
        Instant written;
        try {
            text = Files.readString(lock, StandardCharsets.UTF_8);
            written = Files.getLastModifiedTime(lock).toInstant();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Properties p = new Properties();
        p.load(new StringReader(text));
        List<String> paths = new ArrayList<>();
        for (int i = 0; p.getProperty("path." + i) != null; i++) {
            String path = p.getProperty("path." + i);
            paths.add(path.startsWith("/") ? path.substring(1) : path);
        }
        Set<String> users = new TreeSet<>();
        for (int i = 0; p.getProperty("changelog_user." + i) != null; i++) {
            users.add(p.getProperty("changelog_user." + i));
        }
        // No closing line: an earlier version's single lock, or a claim being written (its paths may be only partly
        // there). Either counts as a claim on the whole file system: a taker then withdraws rather than overlook one.
        LockScope scope = paths.isEmpty() || !"true".equals(p.getProperty(COMPLETE)) ? LockScope.exclusiveScope()
                : new LockScope(paths, users, Boolean.parseBoolean(p.getProperty("exclusive", "false")));
        return Optional.of(new LockHolder(p.getProperty("job", ""), p.getProperty("host", ""),
                number(p.getProperty("pid"), -1), number(p.getProperty("generation"), 0), written, scope,
                lock.getFileName().toString().equals("lock") ? "" : lock.getFileName().toString()));
    }

    private static long number(String text, long absent) {
        try {
            return text == null ? absent : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}

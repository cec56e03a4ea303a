package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Who holds the file system's job lock: the job id, the process (host and pid) running it, and the lock's generation
 * (its fencing token: one more than any generation taken before, see {@link JobLock}).
 *
 * @param generation 0 in a lock written by a version without fencing
 * @param written    when the lock file was last modified (a just-created file may not have its content yet)
 */
public record LockHolder(String jobId, String host, long pid, long generation, Instant written) {

    /** A holder without a generation (a lock written before fencing). */
    public LockHolder(String jobId, String host, long pid, Instant written) {
        this(jobId, host, pid, 0, written);
    }

    /** The same holder with another modification time (the file's time is not part of who holds the lock). */
    LockHolder withWritten(Instant time) {
        return new LockHolder(jobId, host, pid, generation, time);
    }

    String encode() {
        return "job=" + jobId + "\nhost=" + host + "\npid=" + pid + "\ngeneration=" + generation + "\n";
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
        return Optional.of(new LockHolder(p.getProperty("job", ""), p.getProperty("host", ""),
                number(p.getProperty("pid"), -1), number(p.getProperty("generation"), 0), written));
    }

    private static long number(String text, long absent) {
        try {
            return text == null ? absent : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}

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
 * Who holds the file system's job lock: the job id and the process (host and pid) running it.
 *
 * @param written when the lock file was last modified (a just-created file may not have its content yet)
 */
public record LockHolder(String jobId, String host, long pid, Instant written) {

    String encode() {
        return "job=" + jobId + "\nhost=" + host + "\npid=" + pid + "\n";
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
        long pid;
        try {
            pid = Long.parseLong(p.getProperty("pid", "-1"));
        } catch (NumberFormatException e) {
            pid = -1;
        }
        return Optional.of(new LockHolder(p.getProperty("job", ""), p.getProperty("host", ""), pid, written));
    }
}

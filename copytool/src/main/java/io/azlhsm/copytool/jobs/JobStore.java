package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The framework's private state in the file system, {@code <mount>/.azlhsm/} (mode 0700): the job lock, one record
 * per job ({@code jobs/<id>.properties}), the job logs ({@code logs/<id>.log}) and cancel requests
 * ({@code cancel/<id>}). Kept in the file system rather than on one node so that every data mover sees the same
 * running job. Jobs that walk the namespace skip {@link #DIRECTORY_NAME}.
 */
public final class JobStore {
    /** The directory in the file-system root; every job that walks the namespace must skip it. */
    public static final String DIRECTORY_NAME = ".azlhsm";

    private static final Logger LOG = Logger.getLogger(JobStore.class.getName());
    private static final String RECORD_SUFFIX = ".properties";

    private final Path directory;

    public JobStore(Path mount) {
        this.directory = mount.resolve(DIRECTORY_NAME);
    }

    public Path directory() {
        return directory;
    }

    /** Creates the directories (0700) when missing. */
    void open() throws IOException {
        for (Path dir : List.of(directory, directory.resolve("jobs"), directory.resolve("logs"),
                directory.resolve("cancel"))) {
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectory(dir);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another node created it first
                }
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    Path lockFile() {
        return directory.resolve("lock");
    }

    /** The job's local log file. */
    public Path logFile(String id) {
        return directory.resolve("logs").resolve(id + ".log");
    }

    private Path recordFile(String id) {
        return directory.resolve("jobs").resolve(id + RECORD_SUFFIX);
    }

    private Path cancelFile(String id) {
        return directory.resolve("cancel").resolve(id);
    }

    /** Writes the record whole (temporary file, then rename) so readers never see half of it. */
    void write(JobRecord record) throws IOException {
        Path target = recordFile(record.id());
        Path temporary = target.resolveSibling("." + record.id() + ".tmp");
        Files.writeString(temporary, record.encode(), StandardCharsets.UTF_8);
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public Optional<JobRecord> read(String id) throws IOException {
        try {
            return Optional.of(JobRecord.decode(readRecordText(recordFile(id))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "ignoring damaged job record " + recordFile(id) + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A record's text. The writer replaces it by rename; a reader whose lookup raced that rename can be told the name
     * is gone (the simulated client does this: 71 of 600 reads during 300 renames), so one miss is retried before the
     * record counts as absent.
     */
    private static String readRecordText(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException raced) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
    }

    /** Every readable record, newest start first. */
    public List<JobRecord> list() throws IOException {
        List<JobRecord> records = new ArrayList<>();
        Path jobs = directory.resolve("jobs");
        if (!Files.isDirectory(jobs)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(jobs, "*" + RECORD_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                read(name.substring(0, name.length() - RECORD_SUFFIX.length())).ifPresent(records::add);
            }
        }
        records.sort(Comparator.comparing(JobRecord::started).thenComparing(JobRecord::id).reversed());
        return records;
    }

    /** Asks the job to stop; the runner of that job sees the request within a heartbeat. */
    public void requestCancel(String id) throws IOException {
        open();
        Files.writeString(cancelFile(id), "cancel requested\n", StandardCharsets.UTF_8);
    }

    boolean cancelRequested(String id) {
        return Files.exists(cancelFile(id));
    }

    void clearCancel(String id) throws IOException {
        Files.deleteIfExists(cancelFile(id));
    }

    /** The job holding the lock, as far as the lock file says (it may be stale: see {@link JobLock}). */
    public Optional<LockHolder> lockHolder() throws IOException {
        return LockHolder.read(lockFile());
    }
}

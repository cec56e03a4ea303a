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
    private static final String STAGING = "staging";
    private static final String LOCKS = "locks";
    private static final String EVICTED = ".evicted.";

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
                directory.resolve("cancel"), directory.resolve(STAGING), directory.resolve(LOCKS))) {
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

    /**
     * The single lock of versions before per-path locking. This version never creates it; one found (an older data
     * mover running a job) counts as a claim on the whole file system.
     */
    Path legacyLockFile() {
        return directory.resolve("lock");
    }

    /** Where the lock claims live, one file per taking ({@link JobLock}). */
    Path locksDirectory() {
        return directory.resolve(LOCKS);
    }

    /** The file of a claim: {@code locks/<generation>-<random>}, or the single lock of earlier versions. */
    Path claimFile(LockHolder taking) {
        return taking.claim().isEmpty() ? legacyLockFile() : locksDirectory().resolve(taking.claim());
    }

    /** True for a claim's file name (the rest in {@code locks/} are a taker's files on their way in). */
    static boolean isClaimName(String name) {
        return name.matches("[0-9]+-[0-9a-f]+");
    }

    /** Every claim file, and a lock of an earlier version. */
    List<Path> claimFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(locksDirectory())) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(locksDirectory())) {
                for (Path entry : entries) {
                    if (isClaimName(entry.getFileName().toString())) {
                        files.add(entry);
                    }
                }
            }
        }
        if (Files.exists(legacyLockFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            files.add(legacyLockFile());
        }
        return files;
    }

    /** The highest lock generation taken so far ({@link JobLock}); advanced by each taker right after taking. */
    private Path generationFile() {
        return directory.resolve("generation");
    }

    long lastGeneration() throws IOException {
        try {
            return Long.parseLong(Files.readString(generationFile(), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            LOG.warning("ignoring damaged lock generation file " + generationFile() + ": " + e.getMessage());
            return 0;
        }
    }

    /** Records a generation just taken, never lowering the recorded one. */
    void recordGeneration(long generation) throws IOException {
        if (generation <= lastGeneration()) {
            return;
        }
        Path temporary = generationFile().resolveSibling(".generation." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(temporary, generation + "\n", StandardCharsets.UTF_8);
        replace(temporary, generationFile());
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

    /**
     * Writes the record whole (temporary file, then rename) so readers never see half of it. Unfenced: for writers
     * that hold no lock (a recovery marking a crashed job, a cancel abandoning one); a running job writes through
     * {@link #write(JobRecord, JobFence)}.
     */
    void write(JobRecord record) throws IOException {
        Path target = recordFile(record.id());
        Path temporary = target.resolveSibling("." + record.id() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(temporary, record.encode(), StandardCharsets.UTF_8);
        replace(temporary, target);
    }

    /**
     * A running job's record write: refused (JobLockLostException, nothing written) unless the lock still holds the
     * job's taking. Read-then-write alone would leave the classic fencing gap (a holder stalled between the read and
     * its write); staging closes it for records (see {@link #stagingDirectory}).
     */
    void write(JobRecord record, JobFence fence) throws IOException {
        String what = "the record of job " + record.id();
        Path target = recordFile(record.id());
        Path staged = stagingDirectory(fence.taken()).resolve(record.id() + RECORD_SUFFIX);
        fence.verify(what);
        try {
            Files.writeString(staged, record.encode(), StandardCharsets.UTF_8);
            replace(staged, target);
        } catch (NoSuchFileException evicted) {
            // The staging directory is gone: a taker evicted it (see evictStaging). verify names the taker.
            fence.verify(what);
            throw evicted;
        }
    }

    /**
     * Where a lock taking stages its record writes: {@code staging/<generation>.<pid>}. A record reaches
     * {@code jobs/} only by a rename out of it, and whoever takes or recovers the lock first renames every other
     * taking's staging directory away ({@link #evictStaging}). Rename is atomic in Lustre (one MDT operation, or a
     * distributed transaction across MDTs), so once that is done a stalled holder's write fails whatever point of
     * {@link #write(JobRecord, JobFence)} it stalled at: its staged file is gone and its directory with it.
     */
    Path stagingDirectory(LockHolder taken) {
        return directory.resolve(STAGING).resolve(taken.generation() + "." + taken.pid());
    }

    /** Creates this taking's staging directory (right after taking the lock). */
    void openStaging(LockHolder taken) throws IOException {
        Files.createDirectories(stagingDirectory(taken));
    }

    /** Removes this taking's staging directory (when its job ends). */
    void closeStaging(LockHolder taken) throws IOException {
        deleteTree(stagingDirectory(taken));
    }

    /**
     * Renames every staging directory of a taking that no longer has its claim away and deletes it: called by a taker
     * right after taking the lock (the safety net behind a recoverer that crashed before evicting the stale taking's
     * directory). Other jobs running beside it keep theirs. The staging directories are listed before the claims:
     * a taking creates its claim before its directory, so a directory listed belongs to a claim that the later
     * listing of claims shows, unless that claim is really gone.
     */
    void evictStaging() throws IOException {
        Path staging = directory.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return;
        }
        List<Path> listed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
            for (Path entry : entries) {
                if (!entry.getFileName().toString().startsWith(EVICTED)) {
                    listed.add(entry);
                }
            }
        }
        java.util.Set<String> live = new java.util.HashSet<>();
        for (LockHolder holder : lockHolders()) {
            live.add(stagingDirectory(holder).getFileName().toString());
        }
        for (Path entry : listed) {
            if (!live.contains(entry.getFileName().toString())) {
                evict(entry);
            }
        }
    }

    /** Renames the staging directory of the stale taking {@code stale} away (a recovery, before marking its record). */
    void evictStagingOf(LockHolder stale) throws IOException {
        evict(stagingDirectory(stale));
    }

    private void evict(Path other) throws IOException {
        Path evicted = other.resolveSibling(EVICTED + other.getFileName() + "." + System.nanoTime());
        try {
            Files.move(other, evicted, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            return;
        }
        LOG.info("evicted the staging directory " + other + " of an earlier lock taking");
        deleteTree(evicted);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
        }
        try {
            Files.deleteIfExists(root);
        } catch (java.nio.file.DirectoryNotEmptyException late) {
            LOG.fine("left " + root + ": a stalled writer added to it while it was removed");
        }
    }

    private static void replace(Path temporary, Path target) throws IOException {
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

    /**
     * Every job holding a claim of the lock, lowest generation first, as far as the claims say (one may be stale:
     * see {@link JobLock}).
     */
    public List<LockHolder> lockHolders() throws IOException {
        List<LockHolder> holders = new ArrayList<>();
        for (Path file : claimFiles()) {
            LockHolder.read(file).ifPresent(holders::add);
        }
        holders.sort(Comparator.comparingLong(LockHolder::generation));
        return holders;
    }

    /** The holder of the lowest generation among {@link #lockHolders()}: with one job running, that job. */
    public Optional<LockHolder> lockHolder() throws IOException {
        return lockHolders().stream().findFirst();
    }

    /** {@code taking}'s claim as it is now: empty once it was released or recovered. */
    Optional<LockHolder> claimOf(LockHolder taking) throws IOException {
        return LockHolder.read(claimFile(taking));
    }
}

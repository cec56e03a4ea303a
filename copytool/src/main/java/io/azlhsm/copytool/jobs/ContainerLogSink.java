package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.archive.Appended;
import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.BackendSettingsOf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies job logs into {@code archive.<id>.logging_container} as appendable objects (Azure: append blobs): a backend
 * of the archive's kind and credentials pointed at that container (no prefix).
 *
 * <p>Each copy sends only the bytes of the local log the blob does not hold yet, read from the file a block at a time
 * (at most {@link ArchiveBackend#maxAppendBytes()}, 4 MiB on Azure, in memory), so neither the log's size nor the
 * job's length bounds anything but the blob: a 100 MiB log is 25 blocks, and an append blob holds 50,000 of them.
 *
 * <p>Fencing (docs/job-lock.md): the blob carries the job lock's generation in its metadata ({@value #GENERATION}),
 * set when this run creates it, and every append is conditional on the ETag this run last saw and on the blob's length
 * (If-Match, append position), so the check and the write are one request. When a condition fails, someone else
 * wrote the blob: a run of the same job under an older generation (the crashed run a resumed job continues) is taken
 * over, the blob made again and filled from the local log; a run under a newer generation holds the lock now, and
 * this copy is refused with {@link JobLockLostException}. A blob nearing its append limit (a job running for weeks) is
 * made again from the local log the same way, in full blocks.
 */
public final class ContainerLogSink implements LogSink {
    /** Blob metadata: the job lock generation under which the log was written. */
    static final String GENERATION = "azlhsm_lock_generation";

    private final ArchiveBackend backend;
    /** What this sink knows of each log blob it wrote: ETag, length, appends. */
    private final Map<String, Appended> written = new ConcurrentHashMap<>();

    ContainerLogSink(ArchiveBackend backend) {
        this.backend = backend;
    }

    /** The sink for the archive's logging container, or empty when it has none configured. */
    public static Optional<LogSink> forArchive(ArchiveSettings archive, long chunkSize) throws ArchiveException {
        if (archive.loggingContainer().isEmpty()) {
            return Optional.empty();
        }
        BackendSettings settings = BackendSettingsOf.archive(archive, chunkSize).toBuilder()
                .container(archive.loggingContainer().get()).prefix("").createContainer(true).build();
        return Optional.of(new ContainerLogSink(BackendFactory.create(settings)));
    }

    @Override
    public synchronized void copy(String name, Path file, long length, long generation) throws Exception {
        String object = backend.objectName(name);
        Appended blob = written.get(object);
        if (blob == null) {
            blob = recreate(object, backend.stat(object), generation, file, length);
        } else if (blob.length() > length) {
            throw new IllegalStateException("the log blob " + object + " holds " + blob.length()
                    + " bytes, more than the " + length + " of the local log " + file);
        } else {
            try {
                blob = appendFrom(object, blob, file, length, generation);
            } catch (ArchiveException e) {
                if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                    throw e;
                }
                // Another writer changed the blob (or a retried block landed twice): look, and take it over or stop.
                blob = recreate(object, backend.stat(object), generation, file, length);
            }
        }
        written.put(object, blob);
    }

    /**
     * Makes the blob again, empty, with this run's generation, on the ETag found (absent: none), and fills it from the
     * local log; refused when a later generation wrote it.
     */
    private Appended recreate(String object, Optional<StoredObject> current, long generation, Path file, long length)
            throws ArchiveException, IOException {
        long theirs = current.map(ContainerLogSink::generation).orElse(0L);
        if (theirs > generation) {
            throw new JobLockLostException("the log " + object + " in " + backend.describe()
                    + " was written under lock generation " + theirs + ", after this run's " + generation
                    + ": another node runs the job now; this copy is not written");
        }
        Appended empty = backend.createAppendable(object, Map.of(GENERATION, Long.toString(generation)),
                current.map(s -> WriteCondition.etag(s.etag())).orElse(WriteCondition.absent()));
        written.put(object, empty);
        return appendFrom(object, empty, file, length, generation);
    }

    /** Appends bytes [blob.length, length) of the local log, a block at a time; made again near the append limit. */
    private Appended appendFrom(String object, Appended blob, Path file, long length, long generation)
            throws ArchiveException, IOException {
        int block = backend.maxAppendBytes();
        long blocksNeeded = (length - blob.length() + block - 1) / block;
        if (blob.length() > 0 && blob.appends() + blocksNeeded > backend.maxAppends()) {
            // Full blocks of the whole log take far fewer appends than the heartbeats' small ones.
            Appended empty = backend.createAppendable(object, Map.of(GENERATION, Long.toString(generation)),
                    WriteCondition.etag(blob.etag()));
            written.put(object, empty);
            return appendFrom(object, empty, file, length, generation);
        }
        if (blob.length() == length) {
            return blob;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(block, length - blob.length()));
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (blob.length() < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - blob.length()));
                long at = blob.length();
                while (buffer.hasRemaining()) {
                    if (in.read(buffer, at) < 0) {
                        throw new IOException("the local log " + file + " ends at byte " + at + ", before "
                                + length);
                    }
                    at = blob.length() + buffer.position();
                }
                buffer.flip();
                blob = backend.append(object, buffer, blob.length(), blob.etag());
                written.put(object, blob); // a later failure resumes from here
            }
        }
        return blob;
    }

    private static long generation(StoredObject blob) {
        return blob.metadata().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(GENERATION))
                .map(e -> {
                    try {
                        return Long.parseLong(e.getValue().trim());
                    } catch (NumberFormatException notOurs) {
                        return 0L;
                    }
                }).findFirst().orElse(0L);
    }

    @Override
    public String describe() {
        return backend.describe();
    }

    @Override
    public void close() {
        backend.close();
    }
}

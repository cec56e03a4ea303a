package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.agent.AgentLauncher;
import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.archive.StoredObject;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;

/**
 * Puts job logs into {@code archive.<id>.logging_container}: a backend of the archive's kind and credentials
 * pointed at that container (no prefix), so every backend that can store a blob can store a log.
 */
public final class ContainerLogSink implements LogSink {
    /** Blob metadata: the job lock generation under which the log was written. */
    static final String GENERATION = "azlhsm_lock_generation";
    private final ArchiveBackend backend;
    /** Each job's log blob is its own (named by job id): written absent first, then on the ETag this sink put. */
    private final java.util.Map<String, String> etags = new java.util.concurrent.ConcurrentHashMap<>();

    private ContainerLogSink(ArchiveBackend backend) {
        this.backend = backend;
    }

    /** The sink for the archive's logging container, or empty when it has none configured. */
    public static Optional<LogSink> forArchive(ArchiveSettings archive, long chunkSize) throws ArchiveException {
        if (archive.loggingContainer().isEmpty()) {
            return Optional.empty();
        }
        BackendSettings settings = AgentLauncher.backendSettings(archive, chunkSize).toBuilder()
                .container(archive.loggingContainer().get()).prefix("").createContainer(true).build();
        return Optional.of(new ContainerLogSink(BackendFactory.create(settings)));
    }

    @Override
    public void put(String name, byte[] content) throws ArchiveException {
        put(name, content, 0);
    }

    /**
     * Puts the log on the ETag this sink last put (absent the first time), with the job lock's generation in the
     * blob's metadata ({@value #GENERATION}). When the condition fails, someone else wrote the blob: a run of the same
     * job under an older generation (the crashed run a resumed job continues) is taken over on the blob's current
     * ETag; a run under a newer generation holds the lock now, and this write is refused. The If-Match makes the check
     * and the write one request, so once the new holder has put its copy, a stalled holder's put can never replace it.
     */
    @Override
    public void put(String name, byte[] content, long generation) throws ArchiveException {
        String object = backend.objectName(name);
        ObjectAttributes attributes = new ObjectAttributes(null, Map.of(GENERATION, Long.toString(generation)));
        String etag = etags.get(object);
        WriteCondition condition = etag == null ? WriteCondition.absent() : WriteCondition.etag(etag);
        try {
            etags.put(object, backend.putWhole(object, ByteBuffer.wrap(content), attributes, condition).etag());
        } catch (ArchiveException e) {
            if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                throw e;
            }
            Optional<StoredObject> current = backend.stat(object);
            long theirs = current.map(ContainerLogSink::generation).orElse(0L);
            if (theirs > generation) {
                throw new JobLockLostException("the log " + object + " in " + backend.describe()
                        + " was written under lock generation " + theirs + ", after this run's " + generation
                        + ": another node runs the job now; this copy is not written");
            }
            etags.put(object, backend.putWhole(object, ByteBuffer.wrap(content), attributes,
                    current.map(s -> WriteCondition.etag(s.etag())).orElse(WriteCondition.absent())).etag());
        }
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

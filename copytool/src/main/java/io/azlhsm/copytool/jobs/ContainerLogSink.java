package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.agent.AgentLauncher;
import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.config.ArchiveSettings;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Puts job logs into {@code archive.<id>.logging_container}: a backend of the archive's kind and credentials
 * pointed at that container (no prefix), so every backend that can store a blob can store a log.
 */
public final class ContainerLogSink implements LogSink {
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
        String object = backend.objectName(name);
        String etag = etags.get(object);
        WriteCondition condition = etag == null ? WriteCondition.absent() : WriteCondition.etag(etag);
        try {
            etags.put(object, backend.putWhole(object, ByteBuffer.wrap(content), ObjectAttributes.none(), condition)
                    .etag());
        } catch (ArchiveException e) {
            if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                throw e;
            }
            // A resumed job's earlier run (another process) wrote this log: it is the same job's, take it over.
            String current = backend.stat(object).map(s -> s.etag()).orElse(null);
            etags.put(object, backend.putWhole(object, ByteBuffer.wrap(content), ObjectAttributes.none(),
                    current == null ? WriteCondition.absent() : WriteCondition.etag(current)).etag());
        }
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

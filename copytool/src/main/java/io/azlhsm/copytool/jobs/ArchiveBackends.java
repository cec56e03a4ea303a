package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.BackendSettingsOf;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The backends of a job that meets files of any configured archive (release), built as the agent builds its own
 * the first time a file of that archive needs one, and closed with the job. Never creates a container: a job that
 * only looks must not bring one into being.
 */
public final class ArchiveBackends implements AutoCloseable {
    private final CopytoolConfig config;
    private final Map<Integer, ArchiveBackend> open = new HashMap<>();

    public ArchiveBackends(CopytoolConfig config) {
        this.config = config;
    }

    /** The backend of archive {@code archiveId}; empty when the configuration has no such archive. */
    public synchronized Optional<ArchiveBackend> forArchive(int archiveId) throws ArchiveException {
        ArchiveBackend backend = open.get(archiveId);
        if (backend == null) {
            ArchiveSettings archive = config.archives().get(archiveId);
            if (archive == null) {
                return Optional.empty();
            }
            backend = BackendFactory.create(BackendSettingsOf.archive(archive, config.chunkSize()).toBuilder()
                    .createContainer(false).build());
            open.put(archiveId, backend);
        }
        return Optional.of(backend);
    }

    @Override
    public synchronized void close() {
        open.values().forEach(ArchiveBackend::close);
        open.clear();
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.lustre.CopytoolRegistration;
import io.azlhsm.copytool.lustre.DataVersions;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreFids;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every action of one agent shares: the registration, the llapi helpers, and the backends by archive id.
 *
 * @param registration      this agent's copytool registration on the mount
 * @param fids              FID and path resolution
 * @param dataVersions      data version reads and sets
 * @param hsmFiles          HSM state and requests (for release after archive)
 * @param records           the archive record kept in each file's extended attributes
 * @param backends          archive id to backend
 * @param metadataCodec     file attributes to blob metadata
 * @param maxChunkSize      the ring's chunk size: no transfer may use bigger chunks
 * @param streamedUploads   the agent's bounded uploads of blocks larger than a ring chunk
 * @param blockUploads      the agent's bounded uploads of ring-chunk blocks, handed off by the write stage
 * @param releaseAfterArchive archive ids whose files are released as soon as their archive is verified
 * @param metrics           where actions report their latency, bytes and errors
 * @param patience          how long actions wait out an outage of their archive
 * @param stopPhase         how far the agent's stop has come: which actions may still start and run
 * @param foreignNaming     by archive id, how lemur and the AMLFS hydrator named the blobs of files they left
 *                          (absent: {@link ForeignNaming#NONE})
 */
public record ActionContext(CopytoolRegistration registration, LustreFids fids, DataVersions dataVersions,
                            HsmFiles hsmFiles, ArchiveRecordStore records, Map<Integer, ArchiveBackend> backends,
                            BlobMetadataCodec metadataCodec, int maxChunkSize, StreamedUploads streamedUploads,
                            BlockUploads blockUploads,
                            java.util.Set<Integer> releaseAfterArchive,
                            io.azlhsm.copytool.metrics.AgentMetrics metrics, OutagePatience patience,
                            StopPhase stopPhase, Map<Integer, ForeignNaming> foreignNaming) {
    public Path mount() {
        return registration.mount();
    }

    /** The backend of an archive id; an id without one is a configuration problem the coordinator should not retry. */
    public ArchiveBackend backend(int archiveId) throws ActionFailure {
        ArchiveBackend backend = backends.get(archiveId);
        if (backend == null) {
            throw new ActionFailure(22 /* EINVAL */, false, "no backend configured for archive id " + archiveId);
        }
        return backend;
    }

    /** How other tools named their blobs on this archive id. */
    public ForeignNaming foreignNaming(int archiveId) {
        return foreignNaming.getOrDefault(archiveId, ForeignNaming.NONE);
    }

    /** The conditional writer for an archive id's names, judging found objects against this mount's live files. */
    public io.azlhsm.copytool.ownership.ConditionalWriter writer(int archiveId) throws ActionFailure {
        return new io.azlhsm.copytool.ownership.ConditionalWriter(backend(archiveId),
                new io.azlhsm.copytool.ownership.NameOwnership(new LiveFidFiles(mount())));
    }
}

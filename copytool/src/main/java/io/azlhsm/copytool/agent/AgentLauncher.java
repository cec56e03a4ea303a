package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.ArchiveType;
import io.azlhsm.copytool.config.BackendSettingsOf;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.metrics.AgentMetrics;
import io.azlhsm.copytool.operations.ForeignNaming;
import io.azlhsm.copytool.pipeline.PipelineSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Turns a validated configuration into a running {@link Agent}: one backend per archive id, then registration. */
public final class AgentLauncher {
    private AgentLauncher() {
    }

    public static Agent launch(CopytoolConfig config) throws ArchiveException, LustreException, MountLockException {
        return launch(config, MetricsContribution.NONE);
    }

    /** As {@link #launch(CopytoolConfig)}, the endpoint also showing {@code moreMetrics}. */
    public static Agent launch(CopytoolConfig config, MetricsContribution moreMetrics)
            throws ArchiveException, LustreException, MountLockException {
        // Made before the backends so that the retries their client libraries make on their own are counted.
        AgentMetrics metrics = new AgentMetrics();
        moreMetrics.register(metrics, config.mount());
        Map<Integer, ArchiveBackend> backends = new LinkedHashMap<>();
        try {
            for (ArchiveSettings archive : config.archives().values()) {
                backends.put(archive.id(), BackendFactory.create(BackendSettingsOf.archive(archive, config.chunkSize()),
                        metrics::retried));
            }
            return Agent.start(agentSettings(config), backends, metrics);
        } catch (ArchiveException | LustreException | MountLockException | RuntimeException e) {
            backends.values().forEach(ArchiveBackend::close);
            throw e;
        }
    }

    public static AgentSettings agentSettings(CopytoolConfig config) {
        // Starters begin actions and move small files themselves (one request each, see TransferPipeline#submit):
        // enough of them to keep every request slot of the busiest archive filled with small files, and never more
        // than actions may be begun at once (a starter with no slot to take has nothing to do). Each has an inline
        // lane, whose buffer is part of the memory budget.
        int busiestArchive = config.archives().values().stream().mapToInt(ArchiveSettings::maxConcurrency).max()
                .orElse(1);
        int starters = Math.min(config.maxActionsInFlight(),
                Math.max(2, Math.min(32, Math.max(config.readers(), busiestArchive))));
        PipelineSettings pipeline = new PipelineSettings(config.ringSize(), Math.toIntExact(config.chunkSize()),
                config.readers(), config.writers(), starters);
        Set<Integer> releaseAfterArchive = config.archives().values().stream()
                .filter(ArchiveSettings::releaseAfterArchive).map(ArchiveSettings::id).collect(Collectors.toSet());
        return new AgentSettings(config.mount(), config.lustreLibrary(), pipeline, config.progressInterval(), starters,
                config.maxActionsInFlight(), config.maxActionsWaiting(), releaseAfterArchive, config.operations(),
                bandwidthLimits(config), foreignNaming(config), busiestArchive);
    }

    /** Per azure archive: its container, where lemur's az:// file ids must point, and its hydrator import roots. */
    static Map<Integer, ForeignNaming> foreignNaming(CopytoolConfig config) {
        Map<Integer, ForeignNaming> naming = new java.util.TreeMap<>();
        config.archives().values().forEach(archive -> {
            if (archive.type() == ArchiveType.AZURE) {
                naming.put(archive.id(), new ForeignNaming(archive.container(), archive.hydratorRoots()));
            }
        });
        return naming;
    }

    static Map<Integer, Long> bandwidthLimits(CopytoolConfig config) {
        Map<Integer, Long> limits = new java.util.TreeMap<>();
        config.archives().values().forEach(archive -> limits.put(archive.id(), archive.bandwidthLimit()));
        return limits;
    }
}

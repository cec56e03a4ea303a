package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.BackendSettingsOf;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies a re-read configuration (SIGHUP) to a running agent: what can change live changes at once, what cannot is
 * named so the administrator knows a restart is due. The caller has already validated the new file; a broken one
 * never gets here.
 *
 * <p>Live: {@code log.level}, {@code pipeline.progress_interval}, {@code shutdown_grace}, {@code restore_grace},
 * {@code outage_patience}, {@code bandwidth.limit},
 * and per archive {@code bandwidth_limit} and everything its backend is built from (credentials, SAS tokens,
 * {@code max_concurrency}, {@code max_tries}, {@code retry_delay}, {@code access_tier}, {@code rehydrate_*}): a new
 * backend takes the archive's new actions (a restore already waiting for a rehydration keeps its settings),
 * running ones finish on the old one. Everything else (mount, library, ring shape, archive ids, containers,
 * prefixes, endpoints) needs a restart.
 */
final class ConfigReload {
    private static final Logger LOG = Logger.getLogger(ConfigReload.class.getName());

    /** @param applied keys changed live; @param needRestart keys that changed but only take effect after a restart */
    record Outcome(List<String> applied, List<String> needRestart) {
    }

    private ConfigReload() {
    }

    static Outcome apply(Agent agent, CopytoolConfig old, CopytoolConfig fresh) {
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();

        if (!old.logLevel().equals(fresh.logLevel())) {
            Logger.getLogger("io.azlhsm").setLevel(fresh.logLevel());
            io.azlhsm.copytool.lustre.LustreLibrary.followLogLevel();
            applied.add("log.level");
        }
        if (!old.progressInterval().equals(fresh.progressInterval())) {
            agent.setProgressInterval(fresh.progressInterval());
            applied.add("pipeline.progress_interval");
        }
        if (!old.operations().shutdownGrace().equals(fresh.operations().shutdownGrace())) {
            applied.add("shutdown_grace");
        }
        if (!old.operations().restoreGrace().equals(fresh.operations().restoreGrace())) {
            applied.add("restore_grace");
        }
        if (!old.operations().outagePatience().equals(fresh.operations().outagePatience())) {
            agent.setOutagePatience(fresh.operations().outagePatience());
            applied.add("outage_patience");
        }
        boolean bandwidthChanged = old.operations().bandwidthLimit() != fresh.operations().bandwidthLimit();
        if (bandwidthChanged) {
            applied.add("bandwidth.limit");
        }
        for (ArchiveSettings freshArchive : fresh.archives().values()) {
            ArchiveSettings oldArchive = old.archives().get(freshArchive.id());
            if (oldArchive == null) {
                restart.add("archive." + freshArchive.id() + ".* (new archive id)");
                continue;
            }
            String p = "archive." + freshArchive.id() + ".";
            if (oldArchive.bandwidthLimit() != freshArchive.bandwidthLimit()) {
                bandwidthChanged = true;
                applied.add(p + "bandwidth_limit");
            }
            restartIfChanged(restart, p + "type", oldArchive.type(), freshArchive.type());
            restartIfChanged(restart, p + "container", oldArchive.container(), freshArchive.container());
            restartIfChanged(restart, p + "prefix", oldArchive.prefix(), freshArchive.prefix());
            restartIfChanged(restart, p + "root", oldArchive.root(), freshArchive.root());
            restartIfChanged(restart, p + "single_put_limit", oldArchive.singlePutLimit(), freshArchive.singlePutLimit());
            restartIfChanged(restart, p + "block_size", oldArchive.blockSize(), freshArchive.blockSize());
            restartIfChanged(restart, p + "release_after_archive", oldArchive.releaseAfterArchive(),
                    freshArchive.releaseAfterArchive());
            restartIfChanged(restart, p + "hydrator_roots", oldArchive.hydratorRoots(), freshArchive.hydratorRoots());
            boolean sameEndpoint = oldArchive.type() == freshArchive.type()
                    && oldArchive.container().equals(freshArchive.container())
                    && oldArchive.prefix().equals(freshArchive.prefix())
                    && oldArchive.root().equals(freshArchive.root());
            boolean backendInputsChanged = !Objects.equals(oldArchive.credentials(), freshArchive.credentials())
                    || oldArchive.maxConcurrency() != freshArchive.maxConcurrency()
                    || oldArchive.maxTries() != freshArchive.maxTries()
                    || !oldArchive.retryDelay().equals(freshArchive.retryDelay())
                    || !oldArchive.tiers().equals(freshArchive.tiers());
            if (sameEndpoint && backendInputsChanged) {
                try {
                    agent.installBackend(freshArchive.id(), BackendFactory.create(
                            BackendSettingsOf.archive(freshArchive, old.chunkSize()), agent.metrics()::retried));
                    applied.add(p + "(credentials, max_concurrency, max_tries, retry_delay, access_tier,"
                            + " rehydrate_*)");
                } catch (ArchiveException | RuntimeException e) {
                    LOG.log(Level.WARNING, "reload: archive " + freshArchive.id() + " keeps its current backend: "
                            + e.getMessage());
                }
            }
        }
        old.archives().keySet().stream().filter(id -> !fresh.archives().containsKey(id))
                .forEach(id -> restart.add("archive." + id + ".* (archive id removed)"));
        if (bandwidthChanged) {
            agent.setBandwidthLimits(fresh.operations().bandwidthLimit(), AgentLauncher.bandwidthLimits(fresh));
        }
        restartIfChanged(restart, "mount", old.mount(), fresh.mount());
        restartIfChanged(restart, "lustre.library", old.lustreLibrary(), fresh.lustreLibrary());
        restartIfChanged(restart, "pipeline.chunk_size", old.chunkSize(), fresh.chunkSize());
        restartIfChanged(restart, "pipeline.ring_size", old.ringSize(), fresh.ringSize());
        restartIfChanged(restart, "pipeline.readers", old.readers(), fresh.readers());
        restartIfChanged(restart, "pipeline.writers", old.writers(), fresh.writers());
        restartIfChanged(restart, "pipeline.max_actions_in_flight", old.maxActionsInFlight(),
                fresh.maxActionsInFlight());
        restartIfChanged(restart, "pipeline.max_actions_waiting", old.maxActionsWaiting(),
                fresh.maxActionsWaiting());
        restartIfChanged(restart, "event_fifo", old.operations().eventFifo(), fresh.operations().eventFifo());
        restartIfChanged(restart, "runtime_dir", old.operations().runtimeDirectory(),
                fresh.operations().runtimeDirectory());
        restartIfChanged(restart, "metrics.listen", old.operations().metricsListen(),
                fresh.operations().metricsListen());
        return new Outcome(applied, restart);
    }

    private static void restartIfChanged(List<String> restart, String key, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            restart.add(key);
        }
    }
}

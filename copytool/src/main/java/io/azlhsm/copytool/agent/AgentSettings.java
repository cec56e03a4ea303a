package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.pipeline.PipelineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * What an agent needs besides its backends.
 *
 * @param mount               the Lustre client mount to register on
 * @param lustreLibrary       liblustreapi to load: a name ({@code lustreapi}) or a path (the simulator's libhsmsim.so)
 * @param pipeline            ring shape and memory budget
 * @param progressInterval    longest time between two progress reports of a running action
 * @param starterThreads      threads that begin actions and prepare transfers
 * @param maxActionsInFlight  actions begun and not yet ended, at most
 * @param maxActionsWaiting   actions received and not begun at which the receive loop stops reading
 * @param releaseAfterArchive archive ids whose files are released once their archive is verified
 * @param operations          event FIFO, metrics endpoint, shutdown grace, agent-wide bandwidth limit
 * @param bandwidthLimits     bytes per second per archive id (0 or absent: no limit)
 * @param foreignNaming       per archive id, how lemur and the AMLFS hydrator named the blobs of files they left
 * @param blockUploads        ring-chunk block uploads in flight at once, agent-wide: the busiest archive's
 *                            max_concurrency, so one large file alone can use all of its archive's request slots
 */
public record AgentSettings(Path mount, String lustreLibrary, PipelineSettings pipeline, Duration progressInterval,
                            int starterThreads, int maxActionsInFlight, int maxActionsWaiting,
                            Set<Integer> releaseAfterArchive,
                            io.azlhsm.copytool.config.OperationsSettings operations,
                            java.util.Map<Integer, Long> bandwidthLimits,
                            java.util.Map<Integer, io.azlhsm.copytool.operations.ForeignNaming> foreignNaming,
                            int blockUploads) {
}

package io.azlhsm.copytool.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the agent is operated, beside what it moves.
 *
 * @param shutdownGrace  how long archives and removes may finish after SIGTERM before they end with ESHUTDOWN and
 *                       HP_FLAG_RETRY
 * @param restoreGrace   how long restores (in flight, queued, or received meanwhile) may finish after SIGTERM: a
 *                       reader may be blocked on each, and under the coordinator's default NRA policy any other end
 *                       gives it an error
 * @param outagePatience how long an action retries an archive that keeps failing transiently (network, timeout,
 *                       throttling, 5xx) after its client library's own retries, before it fails
 * @param eventFifo      where liblustreapi writes its JSON HSM events (lhsmtool_posix's --event-fifo), if anywhere
 * @param metricsListen  address of the Prometheus endpoint ({@code /metrics}), if enabled: loopback as a rule, any
 *                       address allowed (the agent warns: the endpoint has no authentication)
 * @param bandwidthLimit bytes per second for all archives together, 0 for no limit
 * @param runtimeDirectory where the agent keeps its per-mount lock file (one agent per client mount on a node)
 */
public record OperationsSettings(Duration shutdownGrace, Duration restoreGrace, Duration outagePatience,
                                 Optional<Path> eventFifo, Optional<InetSocketAddress> metricsListen,
                                 long bandwidthLimit, Path runtimeDirectory) {
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /** A 1 TiB file at 1 GiB/s, with room to spare. */
    public static final Duration DEFAULT_RESTORE_GRACE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_OUTAGE_PATIENCE = Duration.ofMinutes(30);
    /** systemd's RuntimeDirectory=azlhsm (conf/copytool.service). */
    public static final Path DEFAULT_RUNTIME_DIRECTORY = Path.of("/run/azlhsm");

    public static OperationsSettings defaults() {
        return new OperationsSettings(DEFAULT_SHUTDOWN_GRACE, DEFAULT_RESTORE_GRACE, DEFAULT_OUTAGE_PATIENCE,
                Optional.empty(), Optional.empty(), 0, DEFAULT_RUNTIME_DIRECTORY);
    }

    static OperationsSettings parse(ConfigReader config) throws ConfigException {
        Duration grace = config.duration(KeyCatalog.SHUTDOWN_GRACE, DEFAULT_SHUTDOWN_GRACE);
        Duration restoreGrace = config.duration(KeyCatalog.RESTORE_GRACE, DEFAULT_RESTORE_GRACE);
        Duration patience = config.duration(KeyCatalog.OUTAGE_PATIENCE, DEFAULT_OUTAGE_PATIENCE);
        Optional<Path> fifo = config.nonEmpty(KeyCatalog.EVENT_FIFO).map(Path::of);
        if (fifo.isPresent() && !fifo.get().isAbsolute()) {
            throw config.invalid(KeyCatalog.EVENT_FIFO, "must be an absolute path");
        }
        Optional<InetSocketAddress> metrics = Optional.empty();
        Optional<String> listen = config.nonEmpty(KeyCatalog.METRICS_LISTEN);
        if (listen.isPresent()) {
            metrics = Optional.of(listenAddress(config, listen.get()));
        }
        long bandwidth = config.sizeOrZero(KeyCatalog.BANDWIDTH_LIMIT);
        Path runtime = config.nonEmpty(KeyCatalog.RUNTIME_DIR).map(Path::of).orElse(DEFAULT_RUNTIME_DIRECTORY);
        if (!runtime.isAbsolute()) {
            throw config.invalid(KeyCatalog.RUNTIME_DIR, "must be an absolute path");
        }
        return new OperationsSettings(grace, restoreGrace, patience, fifo, metrics, bandwidth, runtime);
    }

    /**
     * host:port. Loopback is the default advice (metrics carry file counts and paths' shapes, and the endpoint has no
     * authentication); another address, for a Prometheus server elsewhere, is accepted and the agent logs a warning.
     */
    private static InetSocketAddress listenAddress(ConfigReader config, String text) throws ConfigException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw config.invalid(KeyCatalog.METRICS_LISTEN, "must be host:port, e.g. 127.0.0.1:9464");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw config.invalid(KeyCatalog.METRICS_LISTEN, "has no valid port number");
        }
        if (port < 0 || port > 65535) {
            throw config.invalid(KeyCatalog.METRICS_LISTEN, "port must be 0..65535");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw config.invalid(KeyCatalog.METRICS_LISTEN, "names a host that does not resolve: " + host);
        }
        return address;
    }

    String summary() {
        StringBuilder text = new StringBuilder(" shutdown_grace=").append(DurationText.format(shutdownGrace))
                .append(" restore_grace=").append(DurationText.format(restoreGrace))
                .append(" outage_patience=").append(DurationText.format(outagePatience));
        eventFifo.ifPresent(f -> text.append(" event_fifo=").append(f));
        metricsListen.ifPresent(m -> text.append(" metrics.listen=").append(m.getHostString()).append(':')
                .append(m.getPort()));
        if (bandwidthLimit > 0) {
            text.append(" bandwidth.limit=").append(ByteSize.format(bandwidthLimit)).append("/s");
        }
        if (!runtimeDirectory.equals(DEFAULT_RUNTIME_DIRECTORY)) {
            text.append(" runtime_dir=").append(runtimeDirectory);
        }
        return text.toString();
    }
}

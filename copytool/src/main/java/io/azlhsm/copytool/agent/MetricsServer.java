package io.azlhsm.copytool.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.azlhsm.copytool.metrics.AgentMetrics;
import io.azlhsm.copytool.metrics.PrometheusText;
import io.azlhsm.copytool.metrics.StatusReport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The agent's HTTP endpoint (loopback as a rule; see {@link #exposure}): {@code /metrics} in Prometheus text format,
 * {@code /status} as the readable report {@code copytool status} prints. One thread; a scrape renders a fresh
 * snapshot.
 */
final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final InetSocketAddress configured;

    MetricsServer(InetSocketAddress address, AgentMetrics metrics) throws IOException {
        configured = address;
        server = HttpServer.create(address, 8);
        server.createContext("/metrics", exchange -> answer(exchange, "text/plain; version=0.0.4; charset=utf-8",
                PrometheusText::render, metrics));
        server.createContext("/status", exchange -> answer(exchange, "text/plain; charset=utf-8",
                StatusReport::render, metrics));
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "metrics-endpoint");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** The bound address (the port, when 0 was configured). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The warning for an endpoint that answers other hosts (it has no authentication), or nothing on loopback. */
    java.util.Optional<String> exposure() {
        if (configured.getAddress().isLoopbackAddress()) {
            return java.util.Optional.empty();
        }
        // as configured (the JDK reports a wildcard bound as the IPv6 one), with the port bound
        return java.util.Optional.of("metrics.listen " + configured.getAddress().getHostAddress() + ":"
                + address().getPort()
                + " is not a loopback address: /metrics and /status answer anyone who reaches it (no"
                + " authentication); firewall it to the Prometheus server");
    }

    private static void answer(HttpExchange exchange, String contentType,
                               Function<AgentMetrics.Snapshot, String> render, AgentMetrics metrics) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = render.apply(metrics.snapshot()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

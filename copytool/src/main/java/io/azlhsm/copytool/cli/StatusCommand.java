package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code copytool status}: the running agent's counters, latencies and queues, read from its metrics endpoint. */
final class StatusCommand implements CliCommand {
    @Override
    public String name() {
        return "status";
    }

    @Override
    public String summary() {
        return "show a running agent's statistics (needs metrics.listen in the configuration)";
    }

    @Override
    public Options options() {
        return new Options().addOption(ConfigOption.option());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) {
        Optional<CopytoolConfig> loaded = ConfigOption.load(line, name(), err);
        if (loaded.isEmpty()) {
            return ExitCode.CONFIG;
        }
        Optional<InetSocketAddress> listen = loaded.get().operations().metricsListen();
        if (listen.isEmpty()) {
            err.println("copytool status: the configuration has no metrics.listen; set it (e.g. 127.0.0.1:9464) and"
                    + " restart the agent");
            return ExitCode.CONFIG;
        }
        URI uri = URI.create("http://" + hostForUri(listen.get()) + ":" + listen.get().getPort() + "/status");
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println("copytool status: " + uri + " answered HTTP " + response.statusCode());
                return ExitCode.FAILURE;
            }
            out.print(response.body());
            return ExitCode.OK;
        } catch (IOException e) {
            err.println("copytool status: no agent answers at " + uri + " (" + e.getMessage() + "); is it running?");
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }

    private static String hostForUri(InetSocketAddress address) {
        String host = address.getHostString();
        return host.contains(":") ? "[" + host + "]" : host;
    }
}

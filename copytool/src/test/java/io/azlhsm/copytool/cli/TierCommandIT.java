package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.models.AccessTier;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copytool tier} as a user runs it: the configuration file's price table (edited here) feeds the estimate the
 * command prints after the job's counters, and the blob is in its new tier.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TierCommandIT {
    @Test
    void printsTheCountersAndTheMonthlyCostFromTheConfiguredPrices(@TempDir Path dir) throws Exception {
        try (FlowTestBed bed = FlowTestBed.start("tiercli", "")) {
            Path file = bed.agent.write("cli/data", 300_000);
            bed.agent.archive(file);
            bed.agent.awaitFlags(file, AgentTestBed.ARCHIVED, Duration.ofSeconds(90));
            Path config = dir.resolve("copytool.properties");
            Files.writeString(config, """
                    mount = %s
                    lustre.library = %s
                    archive.1.type = azure
                    archive.1.container = tiercli
                    archive.1.connection_string = %s
                    tier.price.currency = EUR
                    tier.price.hot = 1
                    """.formatted(bed.cluster.mount(), TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    bed.proxy.connectionString()));
            Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), new TierCommand())
                    .run(new String[] {"tier", "--config", config.toString(), "--path", "cli", "--to", "cool"});
            String printed = out.toString(StandardCharsets.UTF_8);
            assertEquals(ExitCode.OK, status, printed + err.toString(StandardCharsets.UTF_8));
            assertTrue(printed.matches("(?s).*blobs moved from Hot +1\\n.*"), printed);
            assertTrue(printed.matches("(?s).*bytes moved from Hot +300,000\\n.*"), printed);
            // 300,000 bytes at 1 EUR per GiB-month in Hot, 0.01 (the default) in Cool
            assertTrue(printed.contains("estimated monthly storage cost of the moved blobs: 0.000279 EUR before,"
                    + " 0.000003 EUR after (0.000277 EUR saved;"), printed);
            assertEquals(AccessTier.COOL, bed.container.getBlobClient("cli/data").getProperties().getAccessTier());
        }
    }
}

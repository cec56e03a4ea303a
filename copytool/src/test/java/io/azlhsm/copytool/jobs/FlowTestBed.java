package io.azlhsm.copytool.jobs;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.lustre.LustreLibrary;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * A simulated cluster, an Azurite, a running agent archiving to it, and the configuration a job command would load:
 * what the export, auto-export, prefetch and release tests share. The product reaches Azurite through {@link #proxy},
 * so a test can hold a transfer part-way; {@link #container} talks to Azurite directly.
 */
public final class FlowTestBed implements AutoCloseable {
    public final AzuriteServer azurite;
    public final HoldingProxy proxy;
    public final Cluster cluster;
    public final AgentTestBed agent;
    public final CopytoolConfig config;
    public final LustreLibrary library;
    public final BlobContainerClient container;

    private FlowTestBed(AzuriteServer azurite, HoldingProxy proxy, Cluster cluster, AgentTestBed agent,
                        CopytoolConfig config, LustreLibrary library, BlobContainerClient container) {
        this.azurite = azurite;
        this.proxy = proxy;
        this.cluster = cluster;
        this.agent = agent;
        this.config = config;
        this.library = library;
        this.container = container;
    }

    /** @param extraKeys more configuration lines (e.g. a bandwidth limit), may be empty */
    public static FlowTestBed start(String containerName, String extraKeys) throws Exception {
        return start(containerName, extraKeys, 1);
    }

    /** @param mdts the simulated file system's MDTs (more than one: DNE) */
    public static FlowTestBed start(String containerName, String extraKeys, int mdts) throws Exception {
        AzuriteServer azurite = AzuriteServer.start();
        HoldingProxy proxy = null;
        Cluster cluster = null;
        try {
            proxy = HoldingProxy.start(azurite);
            cluster = mdts > 1 ? Cluster.startDne(mdts) : Cluster.start();
            String keys = """
                    archive.1.type = azure
                    archive.1.container = %s
                    archive.1.connection_string = %s
                    """.formatted(containerName, proxy.connectionString()) + extraKeys;
            AgentTestBed agent = AgentTestBed.start(cluster, cluster.mount(), keys);
            Properties properties = new Properties();
            properties.load(new StringReader(keys));
            properties.setProperty("mount", cluster.mount().toString());
            String library = TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString();
            properties.setProperty("lustre.library", library);
            CopytoolConfig config = CopytoolConfig.fromProperties(properties, "flow test");
            BlobContainerClient container = new BlobServiceClientBuilder()
                    .connectionString(azurite.connectionString()).buildClient().getBlobContainerClient(containerName);
            return new FlowTestBed(azurite, proxy, cluster, agent, config, LustreLibrary.load(library), container);
        } catch (Exception | Error e) {
            if (cluster != null) {
                cluster.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            azurite.close();
            throw e;
        }
    }

    /** A runner as the command line uses it, without terminal output or signal handling. */
    public JobRunner runner() {
        return new JobRunner(config, JobRunner.Settings.quiet());
    }

    /** Runs the job through the framework (lock, record, log) to its end. */
    public JobRun run(Job job) throws Exception {
        return run(runner(), job);
    }

    public JobRun run(JobRunner runner, Job job) throws Exception {
        JobOutcome outcome = runner.run(job);
        List<String> log = Files.readAllLines(runner.store().logFile(outcome.jobId()));
        return new JobRun(outcome, log.stream().filter(l -> l.contains(" ERROR ")).toList(), log);
    }

    /** Runs the job as a dry run ({@link JobRunner#dryRun}); its log is the dry run's local one. */
    public JobRun dryRun(Job job) throws Exception {
        JobOutcome outcome = runner().dryRun(job, 1000);
        Path file = outcome.dryRun().orElseThrow().log();
        List<String> log = Files.readAllLines(file);
        Files.delete(file); // in /tmp, not in the cluster's directory: nothing else removes it
        return new JobRun(outcome, log.stream().filter(l -> l.contains(" ERROR ")).toList(), log);
    }

    /** Asks the running job to stop, as {@code copytool cancel} does. */
    public JobCanceller.Result cancel(JobRunner runner) throws Exception {
        return new JobCanceller(runner.store(), Duration.ofMinutes(2), Clock.systemUTC())
                .cancel(Optional.empty(), Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        agent.close();
        cluster.close();
        proxy.close();
        azurite.close();
    }
}

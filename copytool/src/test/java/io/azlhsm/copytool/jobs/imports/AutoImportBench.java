package io.azlhsm.copytool.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.storage.blob.BlobContainerClient;
import io.azlhsm.copytool.jobs.JobCanceller;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.testcluster.harness.Cluster;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Not a test of {@code mvn verify} (its name matches neither Surefire's nor Failsafe's patterns): a measurement of
 * auto-import's passes on the simulated cluster and Azurite, run by name:
 * <pre>
 * nice -n 10 mvn -B -q -pl test-cluster,copytool verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=AutoImportBench -Dfailsafe.failIfNoSpecifiedTests=false [-Dautoimport.bench.blobs=5000]
 * </pre>
 * It loads N blobs (100 a directory) and runs auto-import (overwrite-always, --deletions, 8 threads) twice, printing
 * the job log's line of each pass: the first run's full pass imports N new blobs and its next pass finds nothing
 * changed; between the runs a tenth of the blobs is replaced and a tenth deleted, which the second run's first pass
 * (incremental) re-imports and removes. The figures are in {@code copytool/target/failsafe-reports/*AutoImportBench-output.txt}.
 */
class AutoImportBench {
    private static final Duration PATIENCE = Duration.ofMinutes(30);

    @Test
    void passesOverNewUnchangedAndChangedBlobs() throws Exception {
        int count = Integer.getInteger("autoimport.bench.blobs", 5000);
        try (ImportTestBed bed = ImportTestBed.start("autoimportbench")) {
            BlobContainerClient blobs = bed.container(1);
            Map<String, byte[]> loaded = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                loaded.put(String.format("bench/d%04d/f%02d", i / 100, i % 100), ("blob " + i).getBytes());
            }
            long loadStart = System.nanoTime();
            ImportTestBed.uploadMany(blobs, loaded);
            System.out.printf("loaded %d blobs in %.1f s%n", count, (System.nanoTime() - loadStart) / 1e9);

            AutoImportOptions options = new AutoImportOptions(1, ImportPrefixes.normalize(List.of("/bench")),
                    ConflictMode.OVERWRITE_ALWAYS, "", true, Duration.ofSeconds(1), Duration.ofHours(1), 8, 1000);
            // a first run: its full pass imports every blob, the next pass finds nothing changed
            JobOutcome first = run(bed, options, runner -> awaitPasses(runner, 2));
            assertEquals(count, first.counters().get("importedFiles"), first.counters()::toString);
            print(bed, first);

            // while no job runs, a tenth of the blobs is replaced and another tenth deleted: the second run's first
            // pass (incremental: the state is there) finds them all at once
            int tenth = count / 10;
            Map<String, byte[]> changed = new LinkedHashMap<>();
            loaded.keySet().stream().limit(tenth).forEach(name -> changed.put(name, "changed".getBytes()));
            ImportTestBed.uploadMany(blobs, changed);
            loaded.keySet().stream().skip(tenth).limit(tenth).forEach(name -> blobs.getBlobClient(name).delete());
            JobOutcome second = run(bed, options, runner -> {
                Cluster.await("the changes imported", PATIENCE,
                        () -> counter(runner, AutoImportMetrics.STUBS_DELETED) >= tenth
                                && counter(runner, "importedFiles") >= tenth);
                awaitPasses(runner, 2);
            });
            print(bed, second);
            assertEquals(tenth, second.counters().get("importedFiles"), second.counters()::toString);
            assertEquals(tenth, second.counters().get(AutoImportMetrics.STUBS_DELETED), second.counters()::toString);
            assertEquals(0, second.counters().get("totalErrors"), second.counters()::toString);
        }
    }

    private interface During {
        void await(JobRunner runner) throws Exception;
    }

    private static JobOutcome run(ImportTestBed bed, AutoImportOptions options, During during) throws Exception {
        JobRunner runner = new JobRunner(bed.config, JobRunner.Settings.quiet());
        CompletableFuture<JobOutcome> job = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(new AutoImportJob(options));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            during.await(runner);
        } finally {
            new JobCanceller(runner.store(), Duration.ofMinutes(2), Clock.systemUTC())
                    .cancel(Optional.empty(), Duration.ofSeconds(120));
        }
        JobOutcome outcome = job.get(3, TimeUnit.MINUTES);
        assertEquals(JobState.CANCELED, outcome.state(), outcome.message());
        return outcome;
    }

    private static void print(ImportTestBed bed, JobOutcome outcome) throws Exception {
        bed.log(outcome.jobId()).lines().filter(l -> l.contains(" pass ") && l.contains(" ended in "))
                .map(l -> l.replaceAll("; job totals .*", "")).forEach(System.out::println);
    }

    private static void awaitPasses(JobRunner runner, long passes) {
        Cluster.await(passes + " passes", PATIENCE, () -> counter(runner, AutoImportMetrics.PASSES) >= passes);
    }

    private static long counter(JobRunner runner, String name) {
        try {
            return runner.store().list().stream().filter(r -> r.state() == JobState.IN_PROGRESS).findFirst()
                    .map(JobRecord::counters).map(c -> c.getOrDefault(name, 0L)).orElse(0L);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}

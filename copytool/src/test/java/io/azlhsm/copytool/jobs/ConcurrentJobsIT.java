package io.azlhsm.copytool.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.export.ExportJob;
import io.azlhsm.copytool.jobs.export.ExportOptions;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportJob;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs at the same time on the simulated cluster, a running agent and Azurite: an export of one tree and an import
 * into another run side by side; an import into the exported tree is refused naming the export.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConcurrentJobsIT {
    private static final Duration SHORT = Duration.ofSeconds(60);

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("concurrent", "");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void anExportOfOneTreeAndAnImportIntoAnotherRunTogether() throws Exception {
        List<Path> exported = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            exported.add(bed.agent.write("ca/sub/f" + i, 1000 + i));
        }
        bed.container.createIfNotExists(); // the agent creates it at its first archive, which is held below
        for (String name : List.of("cb/x1", "cb/deeper/x2")) {
            bed.container.getBlobClient(name).upload(BinaryData.fromString("content of " + name), true);
        }
        JobRunner exportRunner = bed.runner();
        CompletableFuture<JobRun> export;
        // Archive requests are recorded and none is dispatched: the export holds, InProgress, until it is enabled.
        bed.cluster.setParam("hsm_control", "disabled");
        try {
            export = CompletableFuture.supplyAsync(() -> {
                try {
                    return bed.run(exportRunner, new ExportJob(new ExportOptions("/ca", 0, 20, false)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Cluster.await("the export's 3 archive requests waiting", SHORT, () -> waiting() == 3);
            JobStore store = exportRunner.store();
            JobRecord exporting = store.list().stream().filter(r -> r.kind() == JobKind.EXPORT).findFirst()
                    .orElseThrow();

            JobRun imported = bed.run(new ImportJob(new ImportOptions(1, List.of("cb/"), ConflictMode.SKIP, 0,
                    "", 2)));

            assertEquals(JobState.COMPLETED, imported.state(), imported::describe);
            assertEquals(2, imported.counter("totalBlobsImported"), imported::describe);
            assertTrue(Files.isRegularFile(bed.cluster.mount().resolve("cb/deeper/x2")));
            // the import ran to its end while the export was running: its record InProgress, its claim held
            assertEquals(JobState.IN_PROGRESS, store.read(exporting.id()).orElseThrow().state());
            assertEquals(List.of(exporting.id()), store.lockHolders().stream().map(LockHolder::jobId).toList());
            assertEquals(3, waiting(), "the export still waits for its requests");

            // an import into the exported tree overlaps it: refused, naming the export
            JobBusyException refused = assertThrows(JobBusyException.class, () -> bed.run(new ImportJob(
                    new ImportOptions(1, List.of("ca/sub/"), ConflictMode.SKIP, 0, "", 2))));
            assertEquals(exporting.id(), refused.runningJob());
            assertTrue(refused.getMessage().contains("another job is running on /ca: " + exporting.id()
                    + " (export, InProgress, started " + exporting.started() + ")"), refused.getMessage());
        } finally {
            bed.cluster.setParam("hsm_control", "enabled");
        }
        JobRun run = export.get(SHORT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(JobState.COMPLETED, run.state(), run::describe);
        for (Path file : exported) {
            bed.agent.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        }
    }

    @Test
    void importsSideBySideEachKeepTheirOwnMarker() throws Exception {
        bed.container.createIfNotExists();
        for (String name : List.of("ia/1", "ia/2", "ib/1")) {
            bed.container.getBlobClient(name).upload(BinaryData.fromString(name), true);
        }
        JobRunner first = bed.runner();
        CompletableFuture<JobRun> held;
        // one blob a page: the first import waits for its second page, InProgress with its marker, until released
        try (HoldingProxy.Hold secondPage = bed.proxy.hold("the second listing page of ia/",
                request -> request.isListing() && request.query("marker") != null
                        && String.valueOf(request.query("prefix")).startsWith("ia"))) {
            held = CompletableFuture.supplyAsync(() -> {
                try {
                    return bed.run(first, new ImportJob(new ImportOptions(1, List.of("ia/"), ConflictMode.SKIP, 0,
                            "", 1, 1)));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            secondPage.awaitHeld(1, SHORT, () -> "markers: " + markersQuietly());
            List<String> before = markers();
            assertEquals(1, before.size(), before.toString());
            assertTrue(before.get(0).startsWith("IMPORT_InProgress."), before.toString());

            JobRun beside = bed.run(new ImportJob(new ImportOptions(1, List.of("ib/"), ConflictMode.SKIP, 0, "",
                    1)));

            assertEquals(JobState.COMPLETED, beside.state(), beside::describe);
            assertEquals(before, markers(), "the import beside it removed its own marker only (on success)");
        }
        JobRun run = held.get(SHORT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(JobState.COMPLETED, run.state(), run::describe);
        assertEquals(List.of(), markers());
        assertTrue(Files.isRegularFile(bed.cluster.mount().resolve("ia/2")));
        assertTrue(Files.isRegularFile(bed.cluster.mount().resolve("ib/1")));
    }

    private String markersQuietly() {
        try {
            return markers().toString();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private List<String> markers() throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(bed.cluster.mount())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("IMPORT_")).sorted().toList();
        }
    }

    private long waiting() {
        return bed.cluster.getParam("actions").lines()
                .filter(l -> l.contains("status=WAITING") || l.contains("status=STARTED")).count();
    }
}

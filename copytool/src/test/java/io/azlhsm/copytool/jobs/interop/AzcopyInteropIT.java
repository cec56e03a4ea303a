package io.azlhsm.copytool.jobs.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import com.azure.storage.common.sas.SasProtocol;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.export.ExportJob;
import io.azlhsm.copytool.jobs.export.ExportOptions;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportJob;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.copytool.jobs.imports.ImportPrefixes;
import io.azlhsm.copytool.jobs.interop.PosixTree.Kept;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the real azcopy (test-cluster's npm package @azure-tools/azcopy-linux, which needs Debian's
 * libsecret-1-0), both directions, against Azurite and the simulated cluster, each compared attribute by attribute
 * with the original tree ({@link PosixTree}): our export downloaded by azcopy, our export imported by us, and azcopy
 * uploads in its standard and AMLFS POSIX styles imported by us and read back (restored through the agent). What each
 * crossing keeps is the table "Interoperability" in README.md; the {@link Kept} of each test is that table's row.
 * The import runs with import.restore_setid = true, so set-id bits are restored where the metadata carries them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300)
class AzcopyInteropIT {
    private static final String CONTAINER = "interop";
    private static final Path AZCOPY = TestClusterHome.directory()
            .resolve("node_modules/@azure-tools/azcopy-linux/dist/bin/azcopy_linux_amd64");

    private FlowTestBed bed;
    private String containerUrl;
    private Path exported;
    @TempDir
    Path work;

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(AZCOPY), AZCOPY + " is missing: run test-cluster/bin/npm-ensure");
        bed = FlowTestBed.start(CONTAINER, "import.restore_setid = true\n");
        BlobServiceClient service = new BlobServiceClientBuilder()
                .connectionString(bed.azurite.connectionString()).buildClient();
        String sas = service.generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(2),
                AccountSasPermission.parse("rwdlacup"), AccountSasService.parse("b"),
                AccountSasResourceType.parse("sco")).setProtocol(SasProtocol.HTTPS_HTTP));
        containerUrl = bed.azurite.blobEndpoint() + "/" + CONTAINER + "?" + sas;

        // The tree in Lustre, exported: files archived by the agent, directory markers and symlink blobs by the job.
        exported = bed.cluster.mount().resolve("exp/tree");
        PosixTree.build(exported);
        JobRun export = bed.run(new ExportJob(new ExportOptions("exp", 0, 100, true)));
        assertEquals(JobState.COMPLETED, export.state(), export::describe);
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void azcopyDownloadsOurExportWithModesOwnersTimesAndSymlinks() throws Exception {
        Path local = Files.createDirectories(work.resolve("download"));
        azcopy("copy", url("exp/tree"), local.toString(), "--recursive", "--from-to", "BlobLocal",
                "--preserve-posix-properties", "--preserve-symlinks", "--check-md5", "FailIfDifferent");
        // azcopy chmods through Go's os.FileMode, which keeps only the 0777 bits; it reads our AMLFS-form modtime
        // (whole seconds) and leaves a symlink's own owner and times alone. Directories: it makes those with
        // content and gives them none of their marker's attributes (nor its own folder stubs', with
        // --include-directory-stub too), and makes no empty one.
        assertEquals(List.of(), PosixTree.differences(exported, local.resolve("tree"),
                new Kept(0777, true, true, false, false)));
    }

    @Test
    void ourImportOfOurExportKeepsEverythingWithRestoreSetid() throws Exception {
        Path target = importPrefix("/exp", "imp-ours");
        assertEquals(List.of(), PosixTree.differences(exported, target.resolve("exp/tree"),
                new Kept(07777, true, false, true, true)));
    }

    @Test
    void ourImportReadsAzcopysStandardStyle() throws Exception {
        Path original = work.resolve("std/tree");
        PosixTree.build(original);
        azcopy("copy", original.toString(), url("azstd"), "--recursive", "--from-to", "LocalBlob",
                "--preserve-posix-properties", "--preserve-symlinks", "--put-md5");
        Path target = importPrefix("/azstd", "imp-std");
        // the whole st_mode (set-id and sticky included) and nanosecond times travel
        assertEquals(List.of(), PosixTree.differences(original, target.resolve("azstd/tree"),
                new Kept(07777, true, false, true, true)));
    }

    @Test
    void ourImportReadsAzcopysAmlfsStyle() throws Exception {
        Path original = work.resolve("aml/tree");
        PosixTree.build(original);
        azcopy("copy", original.toString(), url("azaml"), "--recursive", "--from-to", "LocalBlob",
                "--preserve-posix-properties", "--posix-properties-style", "amlfs", "--preserve-symlinks",
                "--put-md5");
        Path target = importPrefix("/azaml", "imp-aml");
        // AMLFS's forms: permissions %04o of the 0777 bits, modtime in whole seconds
        assertEquals(List.of(), PosixTree.differences(original, target.resolve("azaml/tree"),
                new Kept(0777, true, true, true, true)));
    }

    /** Imports the prefix into the target directory; every blob must carry its attributes, none be an error. */
    private Path importPrefix(String prefix, String target) throws Exception {
        JobRun run = bed.run(new ImportJob(new ImportOptions(1, ImportPrefixes.normalize(List.of(prefix)),
                ConflictMode.FAIL, 0, target, 4)));
        assertEquals(JobState.COMPLETED, run.state(), () -> run.describe() + "\n" + String.join("\n", run.log()));
        assertEquals(0, run.counter("attributesDefaulted"), () -> String.join("\n", run.log()));
        assertEquals(2, run.counter("importedSymlinks"), run::describe);
        return bed.cluster.mount().resolve(target);
    }

    private String url(String path) {
        int query = containerUrl.indexOf('?');
        return containerUrl.substring(0, query) + "/" + path + containerUrl.substring(query);
    }

    /** Runs azcopy to its end; its output and job log go into the failure message. */
    private void azcopy(String... args) throws Exception {
        Path logs = Files.createDirectories(work.resolve("azcopy-logs"));
        Path plans = Files.createDirectories(work.resolve("azcopy-plans"));
        Path output = work.resolve("azcopy-" + System.nanoTime() + ".out");
        List<String> command = new ArrayList<>(List.of(AZCOPY.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        env.put("AZCOPY_LOG_LOCATION", logs.toString());
        env.put("AZCOPY_JOB_PLAN_LOCATION", plans.toString());
        env.put("AZCOPY_DISABLE_SYSLOG", "true");
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("azcopy did not end in 3 minutes: " + describe(output, logs));
        }
        assertEquals(0, process.exitValue(), () -> "azcopy failed: " + describe(output, logs));
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertTrue(text.contains("Final Job Status: Completed"), () -> "azcopy did not complete every transfer: "
                + describe(output, logs));
    }

    /** azcopy's output and the end of its newest log, with the SAS cut out. */
    private static String describe(Path output, Path logs) {
        StringBuilder text = new StringBuilder();
        try {
            text.append(Files.readString(output, StandardCharsets.UTF_8));
            try (Stream<Path> files = Files.list(logs)) {
                for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    text.append("\n--- ").append(log.getFileName()).append(":\n").append(String.join("\n",
                            lines.subList(Math.max(0, lines.size() - 60), lines.size())));
                }
            }
        } catch (IOException e) {
            text.append("\n(cannot read azcopy's output: ").append(e.getMessage()).append(')');
        }
        return text.toString().replaceAll("sig=[^&\\s\"]+", "sig=REDACTED");
    }
}

package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option errors of the job commands are refused before anything happens (no lock, no record, no marker). */
class ImportCommandTest {
    @TempDir
    Path mount;

    private record Run(int status, String out, String err) {
    }

    private Path writeConfig() throws Exception {
        Path config = mount.resolveSibling(mount.getFileName() + ".properties");
        Files.writeString(config, "mount = " + mount + "\narchive.1.type = posix\narchive.1.root = " + mount
                + "-archive\n");
        return config;
    }

    private Run run(String... args) throws Exception {
        Path config = writeConfig();
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config";
        full[args.length + 1] = config.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ImportCommand(), new JobsCommand(),
                new CancelCommand()).run(full);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void overlappingPrefixesAreRefusedBeforeAnythingHappens() throws Exception {
        Run run = run("import", "--archive", "1", "--prefix", "/data", "--prefix", "/data2");
        assertEquals(ExitCode.USAGE, run.status());
        assertTrue(run.err().contains("prefixes '/data' and '/data2' overlap"), run.err());
        assertFalse(Files.exists(mount.resolve(".azlhsm")), "nothing was created");
    }

    @Test
    void badOptionsNameTheOption() throws Exception {
        assertTrue(run("import", "--archive", "7").err().contains("archive 7 is not configured"));
        assertTrue(run("import", "--archive", "1", "--conflict", "merge").err().contains("unknown conflict mode"));
        assertTrue(run("import", "--archive", "1", "--max-errors", "many").err()
                .contains("--max-errors must be a number: many"));
        assertTrue(run("import", "--archive", "1", "--target", "/elsewhere").err().contains("not inside the mount"));
    }

    @Test
    void jobsListsRecordsAndShowsOneInFull() throws Exception {
        io.azlhsm.copytool.config.CopytoolConfig config = io.azlhsm.copytool.config.CopytoolConfig.load(
                writeConfig());
        io.azlhsm.copytool.jobs.Job job = new io.azlhsm.copytool.jobs.Job() {
            @Override
            public io.azlhsm.copytool.jobs.JobKind kind() {
                return io.azlhsm.copytool.jobs.JobKind.IMPORT;
            }

            @Override
            public java.util.Map<String, String> parameters() {
                return java.util.Map.of("archive", "1");
            }

            @Override
            public io.azlhsm.copytool.jobs.JobState run(io.azlhsm.copytool.jobs.JobContext context) {
                context.counters().counter("totalBlobsImported").add(12);
                return io.azlhsm.copytool.jobs.JobState.COMPLETED_PARTIAL;
            }
        };
        String id = new io.azlhsm.copytool.jobs.JobRunner(config, io.azlhsm.copytool.jobs.JobRunner.Settings.quiet(),
                () -> null, (archive, chunk) -> java.util.Optional.empty(), java.time.Clock.systemUTC()).run(job)
                .jobId();

        Run list = run("jobs");
        assertEquals(ExitCode.OK, list.status(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(id) && l.contains("CompletedPartial")
                && l.contains("totalBlobsImported=12")), list.out());
        Run one = run("jobs", id);
        assertTrue(one.out().contains("state:       CompletedPartial"), one.out());
        assertTrue(one.out().contains("archive") && one.out().contains("totalBlobsImported"), one.out());
        Run cancel = run("cancel", id);
        assertEquals(ExitCode.FAILURE, cancel.status());
        assertEquals("copytool cancel: job " + id + " already ended CompletedPartial\n", cancel.err());
    }

    @Test
    void jobsAndCancelWithNoJobs() throws Exception {
        Run jobs = run("jobs");
        assertEquals(ExitCode.OK, jobs.status(), jobs.err());
        assertEquals("no jobs on " + mount + "\n", jobs.out());
        Run cancel = run("cancel");
        assertEquals(ExitCode.FAILURE, cancel.status());
        assertEquals("copytool cancel: no job is running\n", cancel.err());
        assertEquals(ExitCode.USAGE, run("jobs", "a", "b").status());
    }
}

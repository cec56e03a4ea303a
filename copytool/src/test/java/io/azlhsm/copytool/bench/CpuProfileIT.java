package io.azlhsm.copytool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The summariser of `test-cluster/bench --profile` (bench.d/cpu_profile.py): the groups a reader of
 * DIR/profile/summary.txt relies on (Java by package, libjvm by thread, kernel work under a FUSE call as FUSE's), and
 * a real perf recording turned into shares that add up. The bench itself is too slow to run with --profile here.
 */
class CpuProfileIT {
    private static final Path REPO = Path.of(System.getProperty("azlhsm.native.dir"), "..", "..").normalize();
    private static final Path SCRIPT = REPO.resolve("test-cluster/bench.d/cpu_profile.py");

    @Test
    void groupsSamplesByWhatTheProcessWasDoing(@TempDir Path dir) throws Exception {
        // comm, dso, symbol, kernel call chain -> group, as cpu_profile.group() decides for each perf sample
        String probe = String.join("\n",
                "import sys; sys.path.insert(0, sys.argv[1]); import cpu_profile as p",
                "cases = [",
                "  ('action-starter', '/tmp/perf-1.map', 'void io.azlhsm.copytool.pipeline.Ring.take(int)', []),",
                "  ('OkHttp http://1', '/tmp/perf-1.map', 'okhttp3.Response okhttp3.internal.Foo.bar()', []),",
                "  ('C2 CompilerThre', '/usr/lib/jvm/x/lib/server/libjvm.so', 'PhaseChaitin::Split', []),",
                "  ('GC Thread#1', '/usr/lib/jvm/x/lib/server/libjvm.so', 'G1ParScanThreadState::trim_queue', []),",
                "  ('fuse-mnt-worker', '[kernel.kallsyms]', 'copy_user_generic',",
                "      ['copy_user_generic', 'fuse_dev_do_read', 'vfs_read']),",
                "  ('action-starter', '[kernel.kallsyms]', 'clear_page_erms', ['clear_page_erms', 'do_anonymous_page']),",
                "  ('action-starter', '/tmp/perf-1.map', 'StubRoutines (2)', []),",
                "]",
                "for c in cases: print(p.group(c[0], c[1], c[2], None, False, c[3]))");
        List<String> groups = run(dir, "python3", "-c", probe, SCRIPT.getParent().toString());
        assertEquals(List.of(
                "java: io.azlhsm.copytool.*",
                "java: okhttp3.*",
                "libjvm: JIT compiler",
                "libjvm: GC / VM thread",
                "kernel: FUSE",
                "kernel: memory (copies, pages, allocation)",
                "JVM: StubRoutines (intrinsics: MD5, CRC32C, arraycopy)"), groups);
    }

    @Test
    void summarisesARealPerfRecordingIntoSharesThatAddUp(@TempDir Path dir) throws Exception {
        Path perf = Path.of("/usr/bin/perf");
        assumeTrue(Files.isExecutable(perf), "no /usr/bin/perf");
        Path data = dir.resolve("dd.perf.data");
        // dd from /dev/urandom: its CPU is the kernel's (the random generator and the copy), so the kernel must lead
        run(dir, perf.toString(), "record", "-q", "-F", "499", "-e", "cpu-clock", "-g", "-o", data.toString(), "--",
                "dd", "if=/dev/urandom", "of=/dev/null", "bs=1M", "count=64");
        assumeTrue(Files.size(data) > 0, "perf recorded nothing here");
        Path out = dir.resolve("window.txt");
        Path summary = dir.resolve("summary.txt");
        run(dir, "python3", SCRIPT.toString(), "--out", out.toString(), "--summary", summary.toString(),
                "--window", "test-dd-read r1", "--wall", "1", "dd", "perf", data.toString());

        List<String> lines = Files.readAllLines(summary);
        assertEquals(2, lines.size(), () -> String.join("\n", lines));
        assertTrue(lines.get(0).matches("test-dd-read r1 +dd perf +\\d+% kernel: .*"), lines.get(0));
        Matcher samples = Pattern.compile("\\[perf, (\\d+) samples at 499 Hz = ([0-9.]+) s CPU").matcher(lines.get(1));
        assertTrue(samples.find(), lines.get(1));
        assumeTrue(Integer.parseInt(samples.group(1)) >= 10, "too few samples on this machine to judge shares");

        // the grouped shares of the window file are every sample once
        String text = Files.readString(out);
        String grouped = text.substring(text.indexOf(" grouped:"), text.indexOf(" by comm,dso"));
        Matcher share = Pattern.compile("^ +([0-9.]+)% +(\\d+) ", Pattern.MULTILINE).matcher(grouped);
        double percent = 0;
        long counted = 0;
        while (share.find()) {
            percent += Double.parseDouble(share.group(1));
            counted += Long.parseLong(share.group(2));
        }
        assertEquals(Long.parseLong(samples.group(1)), counted, grouped);
        assertEquals(100.0, percent, 0.5, grouped);
    }

    private static List<String> run(Path dir, String... command) throws Exception {
        Path log = dir.resolve("command.out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "did not end: " + String.join(" ", command));
        List<String> output = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        assertEquals(0, process.exitValue(), () -> String.join(" ", command) + ":\n" + String.join("\n", output));
        return output;
    }
}

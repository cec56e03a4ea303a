package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** copytool/bin/copytool runs the packaged jar (built in the package phase, before Failsafe runs). */
class CopytoolLauncherIT {
    private static final Path LAUNCHER =
            Path.of(System.getProperty("azlhsm.native.dir"), "..", "..", "copytool", "bin", "copytool").normalize();

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private static Result run(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        return runCommand(environment, command);
    }

    private static Result runCommand(Map<String, String> environment, List<String> command) throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is not executable");
        Path err = Files.createTempFile("copytool-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "launcher did not finish");
            return new Result(process.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void helpAndVersionRunFromThePackagedJar() throws Exception {
        Result help = run("--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().contains("usage: copytool <command>"), help.out());

        Result version = run("--version");
        assertEquals(0, version.status(), version.err());
        assertTrue(version.out().startsWith("copytool " + Main.version()), version.out());
    }

    /** The README's own example: a shell pattern in COPYTOOL_JAVA_OPTS was dropped by the jar search's nullglob. */
    @Test
    void javaOptionsReachTheJvmEvenWhenTheyLookLikeFilePatterns(@TempDir Path dir) throws Exception {
        Path gcLog = dir.resolve("gc.log");
        Result version = run(Map.of("COPYTOOL_JAVA_OPTS", "-Xlog:gc*:file=" + gcLog + " -Dazlhsm.unused=[x]?"),
                "--version");

        assertEquals(0, version.status(), version.err());
        assertTrue(Files.exists(gcLog), "-Xlog:gc*:file=" + gcLog + " did not reach the JVM: " + version.err());
        assertTrue(Files.readString(gcLog).contains("Using Serial"), Files.readString(gcLog));
    }

    /** The JVM gives freed native memory (the JIT's arenas) back to the system: without it, it stays in RSS. */
    @Test
    void theJvmTrimsItsNativeHeap() throws Exception {
        Result version = run(Map.of("COPYTOOL_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "--version");

        assertEquals(0, version.status(), version.err());
        assertTrue(version.out().lines().anyMatch(line -> line.matches(
                " *uint TrimNativeHeapInterval += 1000 .*\\{command line}.*")), version.out());
    }

    /** A Java 17 older than 17.0.9 refuses -XX:TrimNativeHeapInterval and would not start: the launcher leaves it out. */
    @Test
    void aJvmThatRefusesTheTrimOptionStillStarts(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("jdk").resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, String.join("\n",
                "#!/bin/sh",
                "for a in \"$@\"; do",
                "  case $a in -XX:TrimNativeHeapInterval=*)",
                "    echo \"Unrecognized VM option 'TrimNativeHeapInterval=1000'\" >&2",
                "    echo 'Error: Could not create the Java Virtual Machine.' >&2; exit 1 ;;",
                "  esac",
                "done",
                "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"", ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));

        Result version = run(Map.of("JAVA_HOME", dir.resolve("jdk").toString(),
                "COPYTOOL_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "--version");

        assertEquals(0, version.status(), version.err());
        assertTrue(version.out().contains("copytool " + Main.version()), version.out());
        assertTrue(version.out().lines().anyMatch(line -> line.matches(" *uint TrimNativeHeapInterval += 0 .*")),
                version.out());
    }

    @Test
    void unknownCommandExitsTwo() throws Exception {
        Result result = run("frobnicate");
        assertEquals(ExitCode.USAGE, result.status());
        assertTrue(result.err().contains("unknown command 'frobnicate'"), result.err());
        assertEquals(List.of(), result.out().lines().toList());
    }

    @Test
    void aRingLargerThanTheJvmAllowsIsRefusedBeforeRegistering(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("copytool.properties");
        Files.writeString(config, String.join("\n",
                "mount = " + dir,
                "runtime_dir = " + dir.resolve("agent-run"), // the agent's mount lock, not in the host's /run
                "lustre.library = " + Path.of(System.getProperty("azlhsm.native.dir"), "libhsmsim.so"),
                "pipeline.ring_size = 16",
                "pipeline.chunk_size = 4MiB",
                "archive.1.type = posix",
                "archive.1.root = " + dir.resolve("archive"), ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

        Result result = run(Map.of("COPYTOOL_JAVA_OPTS", "-XX:MaxDirectMemorySize=32m"),
                "agent", "--config", config.toString());

        assertEquals(ExitCode.FAILURE, result.status(), result.err());
        assertTrue(result.err().contains("the data buffers (the ring, pipeline.ring_size 16 x pipeline.chunk_size 4 MiB"
                + " = 64 MiB, plus "), result.err());
        assertTrue(result.err().contains("exceed the JVM's direct memory limit of 32 MiB; raise"
                + " -XX:MaxDirectMemorySize"), result.err());
    }

    @Test
    void aContainerNameAzureRefusesStopsTheAgentAtStartWithConfigStatus(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("copytool.properties");
        Files.writeString(config, String.join("\n",
                "mount = " + dir,
                "runtime_dir = " + dir.resolve("agent-run"),
                "lustre.library = " + Path.of(System.getProperty("azlhsm.native.dir"), "libhsmsim.so"),
                "archive.1.type = azure",
                "archive.1.container = c1",
                "archive.1.connection_string = UseDevelopmentStorage=true", ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

        Result result = run("agent", "--config", config.toString());

        assertEquals(ExitCode.CONFIG, result.status(), result.err());
        assertTrue(result.err().contains(config + ": archive.1.container: 'c1' is not a container name: it has 2"
                + " characters, Azure takes 3 to 63"), result.err());
    }

    /**
     * Under systemd's ProtectSystem=strict a mount the unit does not name in ReadWritePaths= is read-only for the agent:
     * registered there, it would fail every restore with EROFS. It must refuse at start, with the configuration status
     * (the unit does not restart on it) and the line the unit needs. The read-only view is made as systemd makes it: a
     * read-only bind mount in a mount namespace of the agent's own (unshare, as root).
     */
    @Test
    void aMountTheAgentMayNotWriteStopsItAtStartWithConfigStatus(@TempDir Path dir) throws Exception {
        Path unshare = Path.of("/usr/bin/unshare");
        Assumptions.assumeTrue(Files.isExecutable(unshare)
                && "root".equals(System.getProperty("user.name")), "needs root and unshare(1) for a mount namespace");
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        Path config = dir.resolve("copytool.properties");
        Files.writeString(config, String.join("\n",
                "mount = " + mount,
                "runtime_dir = " + dir.resolve("agent-run"),
                "lustre.library = " + Path.of(System.getProperty("azlhsm.native.dir"), "libhsmsim.so"),
                "archive.1.type = posix",
                "archive.1.root = " + dir.resolve("archive"), ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

        Result result = runCommand(Map.of(), List.of(unshare.toString(), "--mount", "--propagation", "private",
                "sh", "-c", "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", mount.toString(),
                LAUNCHER.toString(), "agent", "--config", config.toString()));

        assertEquals(ExitCode.CONFIG, result.status(), result.err());
        assertTrue(result.err().contains("mount " + mount + " is read-only for the agent, so no restore could write a"
                + " file's data"), result.err());
        assertTrue(result.err().contains("add ReadWritePaths=" + mount + " in a drop-in"), result.err());
    }
}

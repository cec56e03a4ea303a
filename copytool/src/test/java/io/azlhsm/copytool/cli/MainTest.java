package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.agent.AgentRunner;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private static final String VALID = """
            mount = /mnt/lustre
            archive.3.type = azure
            archive.3.container = data
            archive.3.connection_string = AccountName=acct;AccountKey=TOPSECRETKEY
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<CopytoolConfig> ranWith = new ArrayList<>();

    @AfterEach
    void restoreLogging() {
        Logger.getLogger(LoggingSetup.ROOT_LOGGER).setLevel(null);
    }

    private int run(AgentRunner runner, String... args) {
        Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new AgentCommand(runner));
        return main.run(args);
    }

    /** For paths that must never reach the agent (help, usage and configuration errors). */
    private int run(String... args) {
        return run((config, file) -> {
            throw new AssertionError("the agent must not start here");
        }, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path config(String text) throws Exception {
        Path file = dir.resolve("copytool.properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aConfigWithAKeyReadableByOthersIsRefusedWithoutShowingTheKey() throws Exception {
        Path file = config(VALID);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(ExitCode.CONFIG, run("agent", "--config", file.toString()));
        assertTrue(err().contains("archive.3.connection_string: holds a secret but " + file
                + " is readable by group or others; run: chmod 600"), err());
        assertFalse(err().contains("TOPSECRETKEY"), err());
    }

    @Test
    void helpListsCommands() {
        assertEquals(ExitCode.OK, run("--help"));
        assertTrue(out().contains("usage: copytool <command>"), out());
        assertTrue(out().contains("agent"), out());
        assertEquals(ExitCode.OK, run("-h"));
    }

    @Test
    void versionIsTheProjectVersion() {
        assertEquals(ExitCode.OK, run("--version"));
        assertTrue(out().matches("copytool \\d+\\.\\d+\\.\\d+\\S*\\R"), out());
    }

    @Test
    void usageErrorsExitTwoWithMessageAndUsageOnStderr() {
        assertEquals(ExitCode.USAGE, run());
        assertTrue(err().contains("a command is required") && err().contains("usage:"), err());
        err.reset();
        assertEquals(ExitCode.USAGE, run("frob"));
        assertTrue(err().contains("unknown command 'frob'") && err().contains("usage:"), err());
        err.reset();
        assertEquals(ExitCode.USAGE, run("--bogus"));
        assertTrue(err().contains("--bogus") && err().contains("usage:"), err());
        assertEquals("", out());
    }

    @Test
    void commandHelpWorksWithoutRequiredOptions() {
        assertEquals(ExitCode.OK, run("agent", "--help"));
        assertTrue(out().contains("usage: copytool agent") && out().contains("--config <FILE>"), out());
    }

    @Test
    void agentCommandLineErrors() {
        assertEquals(ExitCode.USAGE, run("agent"));
        assertTrue(err().contains("missing required option --config FILE"), err());
        err.reset();
        assertEquals(ExitCode.USAGE, run("agent", "--config", "x", "extra"));
        assertTrue(err().contains("unexpected argument 'extra'"), err());
        err.reset();
        assertEquals(ExitCode.USAGE, run("agent", "--frobnicate"));
        assertTrue(err().contains("--frobnicate") && err().contains("usage: copytool agent"), err());
    }

    @Test
    void agentSummarisesItsConfigurationOnOneLineWithoutTheKey() throws Exception {
        assertEquals(ExitCode.OK, run((config, file) -> 0, "agent", "--config", config(VALID).toString()));
        assertTrue(out().contains("mount=/mnt/lustre") && out().contains("archive 3: azure container=data"), out());
        assertEquals(1, out().lines().count(), out());
        assertFalse(out().contains("TOPSECRETKEY") || err().contains("TOPSECRETKEY"));
    }

    @Test
    void agentHandsTheConfigToTheRunner() throws Exception {
        AgentRunner runner = (config, file) -> {
            ranWith.add(config);
            return 0;
        };
        assertEquals(ExitCode.OK, run(runner, "agent", "-c", config(VALID).toString()));
        assertEquals(1, ranWith.size());
        assertEquals(Path.of("/mnt/lustre"), ranWith.get(0).mount());
        assertEquals(Level.INFO, Logger.getLogger(LoggingSetup.ROOT_LOGGER).getLevel());
    }

    @Test
    void runnerFailureExitsOne() throws Exception {
        AgentRunner runner = (config, file) -> {
            throw new IllegalStateException("coordinator unreachable");
        };
        assertEquals(ExitCode.FAILURE, run(runner, "agent", "--config", config(VALID).toString()));
        assertTrue(err().contains("coordinator unreachable"), err());
    }

    @Test
    void invalidConfigExitsWithConfigStatusNamingTheKey() throws Exception {
        assertEquals(ExitCode.CONFIG, run("agent", "--config", config(VALID + "pipeline.ring_size = 3\n").toString()));
        assertTrue(err().contains("pipeline.ring_size: '3' must be a power of two"), err());
        err.reset();
        assertEquals(ExitCode.CONFIG, run("agent", "--config", dir.resolve("absent.properties").toString()));
        assertTrue(err().contains("configuration file not found"), err());
    }

    @Test
    void aContainerNameAzureRefusesStopsTheAgentAndEveryJobCommandWithConfigStatus() throws Exception {
        Path file = config(VALID.replace("container = data", "container = c1"));
        assertEquals(ExitCode.CONFIG, run("agent", "--config", file.toString()));
        assertTrue(err().contains("archive.3.container: 'c1' is not a container name"), err());
        for (CliCommand job : new CliCommand[] {new ImportCommand(), new ExportCommand(), new AutoExportCommand(),
                new PrefetchCommand(), new ReleaseCommand(), new TierCommand(), new CheckCommand()}) {
            err.reset();
            Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), job);
            List<String> args = new ArrayList<>(List.of(job.name(), "--config", file.toString()));
            if (job instanceof ImportCommand) {
                args.addAll(List.of("--archive", "3"));
            }
            assertEquals(ExitCode.CONFIG, main.run(args.toArray(String[]::new)), job.name() + ": " + err());
            assertTrue(err().contains("archive.3.container: 'c1' is not a container name"), job.name() + ": " + err());
        }
    }
}

package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** copytool/bin/copytool runs the packaged jar (built in the package phase, before Failsafe runs). */
class CopytoolLauncherIT {
    private static final Path LAUNCHER =
            Path.of(System.getProperty("azlhsm.native.dir"), "..", "..", "copytool", "bin", "copytool").normalize();

    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), LAUNCHER + " is not executable");
        Path err = Files.createTempFile("copytool-err", ".txt");
        try {
            List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
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

    @Test
    void unknownCommandExitsTwo() throws Exception {
        Result result = run("frobnicate");
        assertEquals(ExitCode.USAGE, result.status());
        assertTrue(result.err().contains("unknown command 'frobnicate'"), result.err());
        assertEquals(List.of(), result.out().lines().toList());
    }
}

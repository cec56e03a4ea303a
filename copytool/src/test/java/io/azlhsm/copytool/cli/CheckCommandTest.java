package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code copytool check}'s options: help, and bad values refused before any job starts. */
class CheckCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CheckCommand()).run(args);
    }

    @Test
    void helpNamesEveryOptionAndClass() {
        assertEquals(ExitCode.OK, run("check", "--help"));
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        for (String text : new String[] {"--path", "--archive", "--report", "--deep", "--repair", "--collect-orphans",
                "--max-outstanding", "blob-missing", "stale-stub", "foreign-blob", "exit 3"}) {
            assertTrue(help.contains(text), text + " in " + help);
        }
    }

    @Test
    void badValuesAreUsageErrorsNamingTheOption() throws Exception {
        Path config = dir.resolve("copytool.properties");
        Files.writeString(config, "mount = " + dir.resolve("mnt") + "\narchive.1.type = posix\narchive.1.root = "
                + dir.resolve("archive") + "\n");
        assertEquals(ExitCode.USAGE, run("check", "--collect-orphans", "a week", "--config", config.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--collect-orphans a week: not a duration"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(ExitCode.USAGE, run("check", "--max-outstanding", "0", "--config", config.toString()));
    }
}

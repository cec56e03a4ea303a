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

/** Option checking of export, auto-export, prefetch and release: refused before any job starts. */
class FlowCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        Path config = dir.resolve("copytool.properties");
        Files.writeString(config, "mount = " + dir.resolve("mnt") + "\narchive.1.type = posix\narchive.1.root = "
                + dir.resolve("archive") + "\n");
        String[] withConfig = new String[args.length + 2];
        System.arraycopy(args, 0, withConfig, 0, args.length);
        withConfig[args.length] = "--config";
        withConfig[args.length + 1] = config.toString();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ExportCommand(), new AutoExportCommand(),
                new AutoImportCommand(), new PrefetchCommand(), new ReleaseCommand(), new TierCommand()).run(withConfig);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badNumbersSizesAndDurationsAreUsageErrorsNamingTheOption() throws Exception {
        assertEquals(ExitCode.USAGE, run("export", "--max-outstanding", "0"));
        assertTrue(err().contains("--max-outstanding must be a whole number of 1 or more: 0"), err());
        assertEquals(ExitCode.USAGE, run("release", "--min-size", "10MB"));
        assertTrue(err().contains("--min-size 10MB"), err());
        assertEquals(ExitCode.USAGE, run("release", "--not-accessed-for", "a week"));
        assertTrue(err().contains("--not-accessed-for a week: not a duration"), err());
        assertEquals(ExitCode.USAGE, run("auto-export", "--interval", "5x"));
        assertTrue(err().contains("--interval 5x"), err());
        assertEquals(ExitCode.USAGE, run("export", "--archive", "x"));
        assertEquals(ExitCode.USAGE, run("auto-export", "--changelog-user", "cl1", "--propagate", "renames,moves"));
        assertTrue(err().contains("'moves' is not one of renames, metadata, deletions"), err());
    }

    @Test
    void autoImportRefusesBadOptionsNamingThem() throws Exception {
        assertEquals(ExitCode.USAGE, run("auto-import", "--conflict", "keep"));
        assertTrue(err().contains("unknown conflict mode 'keep'"), err());
        assertEquals(ExitCode.USAGE, run("auto-import", "--full-scan-interval", "0s"));
        assertTrue(err().contains("--full-scan-interval must be positive"), err());
        assertEquals(ExitCode.USAGE, run("auto-import", "--interval", "soon"));
        assertTrue(err().contains("--interval soon: not a duration"), err());
        assertEquals(ExitCode.USAGE, run("auto-import", "--prefix", "/a", "--prefix", "/ab"));
        assertTrue(err().contains("overlap"), err());
        assertEquals(ExitCode.USAGE, run("auto-import", "--archive", "2"));
        assertTrue(err().contains("archive 2 is not configured"), err());
    }

    @Test
    void tierNeedsATargetTierColderThanHot() throws Exception {
        assertEquals(ExitCode.USAGE, run("tier", "--path", "x"));
        assertTrue(err().contains("--to is required: cool, cold or archive"), err());
        assertEquals(ExitCode.USAGE, run("tier", "--to", "hot"));
        assertTrue(err().contains("--to hot: not a tier to move blobs to"), err());
        assertEquals(ExitCode.USAGE, run("tier", "--to", "glacier"));
        assertEquals(ExitCode.USAGE, run("tier", "--to", "cool", "--min-size", "1MB"));
        assertTrue(err().contains("--min-size 1MB"), err());
    }

    @Test
    void prefetchNeedsAPathOrAList() throws Exception {
        assertEquals(ExitCode.USAGE, run("prefetch"));
        assertTrue(err().contains("nothing to prefetch"), err());
    }

    @Test
    void everyJobButAutoExportOffersADryRun() throws Exception {
        for (String command : new String[] {"import", "export", "auto-export", "prefetch", "release", "tier",
            "check"}) {
            ByteArrayOutputStream help = new ByteArrayOutputStream();
            int status = new Main(new PrintStream(help, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), new ImportCommand(), new ExportCommand(),
                    new AutoExportCommand(), new PrefetchCommand(), new ReleaseCommand(), new TierCommand(),
                    new CheckCommand())
                    .run(new String[] {command, "--help"});
            assertEquals(ExitCode.OK, status, command);
            String text = help.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
            assertEquals(!command.equals("auto-export"), text.contains("--dry-run show what the job would do"),
                    command + ": " + text);
            assertTrue(text.contains("--exclusive take the whole file system"), command + ": " + text);
        }
    }

    @Test
    void eachCommandHasHelp() throws Exception {
        for (String command : new String[] {"export", "auto-export", "auto-import", "prefetch", "release", "tier"}) {
            int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), new ExportCommand(), new AutoExportCommand(),
                    new AutoImportCommand(), new PrefetchCommand(), new ReleaseCommand(), new TierCommand())
                    .run(new String[] {command, "--help"});
            assertEquals(ExitCode.OK, status, command);
        }
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--max-outstanding", "--no-directory-markers", "--full-scan-interval",
                "--changelog-user", "changelog_register", "--propagate", "--file-list", "--not-accessed-for",
                "--min-size", "--to", "tier.price", "--deletions", "--conflict"}) {
            assertTrue(help.contains(option), option);
        }
        assertTrue(help.replaceAll("\\s+", " ").contains("whose recorded blob still exists with its recorded ETag"),
                help);
    }
}

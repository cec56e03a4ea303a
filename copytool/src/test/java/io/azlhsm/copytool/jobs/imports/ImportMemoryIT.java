package io.azlhsm.copytool.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22.6: an import keeps nothing per directory once the listing has left it, so a tree of many directories
 * imports within a heap that does not grow with their number. The command line imports {@value #DIRECTORIES}
 * directories with long paths (a directory key each, whose time is set once the directory is done) in a JVM of
 * {@value #HEAP_MIB} MiB heap that exits at its first OutOfMemoryError. Measured with -Xlog:gc: this import's live
 * heap is about 13 MiB; keeping every directory's path and time until the end (about 5 KiB each here, the code before
 * issue 22.6) brought it to 25 MiB, and that code ends with OutOfMemoryError here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300)
class ImportMemoryIT {
    static final int DIRECTORIES = 3000;
    static final int HEAP_MIB = 22;
    /** Three 250-character directories above the leaves, and a target of six more: paths of about 2,300 bytes. */
    private static final String ABOVE = String.join("/", "a".repeat(250), "b".repeat(250), "c".repeat(250));
    private static final String TARGET = String.join("/", "t1".repeat(125), "t2".repeat(125), "t3".repeat(125),
            "t4".repeat(125), "t5".repeat(125), "t6".repeat(125));
    private ImportTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = ImportTestBed.start("manydirs");
        Map<String, byte[]> keys = new HashMap<>();
        for (int i = 0; i < DIRECTORIES; i++) {
            keys.put(String.format("%s/d%05d/", ABOVE, i), new byte[0]);
        }
        ImportTestBed.uploadMany(bed.container(1), keys);
    }

    @AfterAll
    void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void manyDirectoriesImportWithinASmallHeap() throws Exception {
        Path output = Files.createTempFile("import-memory", ".txt");
        try {
            Process importer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + HEAP_MIB + "m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"), "io.azlhsm.copytool.cli.Main", "import",
                    "--archive", "1", "--target", TARGET, "--page-size", "100", "--config", bed.configFile.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean ended = importer.waitFor(240, TimeUnit.SECONDS);
            if (!ended) {
                importer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String printed = Files.readString(output);
            assertEquals(0, ended ? importer.exitValue() : -1, "the import in " + HEAP_MIB + " MiB of heap: "
                    + printed);

            // Every directory is there, with the time its blob gives it (its Last-Modified: a directory key has no
            // metadata), set after the directory was made.
            Path leaves = bed.mount().resolve(TARGET).resolve(ABOVE);
            List<String> wrong = new ArrayList<>();
            int seen = 0;
            for (BlobItem key : bed.container(1).listBlobs(new ListBlobsOptions().setPrefix(ABOVE + "/"), null)) {
                String leaf = key.getName().substring(ABOVE.length() + 1, key.getName().length() - 1);
                Path dir = leaves.resolve(leaf);
                Instant expected = key.getProperties().getLastModified().toInstant();
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    wrong.add(leaf + " missing");
                } else if (!Files.getLastModifiedTime(dir).toInstant().equals(expected)) {
                    wrong.add(leaf + " mtime " + Files.getLastModifiedTime(dir).toInstant() + " not " + expected);
                }
                seen++;
            }
            assertEquals(DIRECTORIES, seen);
            assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " wrong; the import printed:\n"
                    + printed);
            try (Stream<Path> made = Files.list(leaves)) {
                assertEquals(DIRECTORIES, made.count());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }
}

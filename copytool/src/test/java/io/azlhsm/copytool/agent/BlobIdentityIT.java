package io.azlhsm.copytool.agent;

import static io.azlhsm.copytool.agent.AgentTestBed.ARCHIVED;
import static io.azlhsm.copytool.agent.AgentTestBed.RELEASED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blob identity under the coordinator's default policy: a file's archive never destroys another file's copy, whatever
 * the order of renames, new files at old paths and archives, and however many agents serve the archive. Archive 1 is
 * Azure (through a holding proxy, so a test can stop one writer mid-way), archive 2 posix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlobIdentityIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CONTAINER = "identity";

    private AzuriteServer azurite;
    private HoldingProxy proxy;
    private Cluster cluster;
    private String keys;
    private AgentTestBed bed;
    private BlobContainerClient container;
    private Path posixRoot;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        proxy = HoldingProxy.start(azurite);
        cluster = Cluster.start();
        posixRoot = cluster.root().resolve("posix-archive");
        keys = """
                archive.1.type = azure
                archive.1.container = %s
                archive.1.connection_string = %s
                archive.2.type = posix
                archive.2.root = %s
                """.formatted(CONTAINER, proxy.connectionString(), posixRoot);
        bed = AgentTestBed.start(cluster, cluster.mount(), keys);
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(CONTAINER);
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @ParameterizedTest(name = "archive {0}")
    @ValueSource(ints = {1, 2})
    void logRotationKeepsTheRotatedFilesCopy(int archive) throws Exception {
        Path log = file("rotate" + archive + "/app.log", "old\n");
        archive(log, archive);
        Files.move(log, log.resolveSibling("app.log.1"));
        Path rotated = log.resolveSibling("app.log.1");
        Files.writeString(log, "new, and longer\n");
        archive(log, archive);

        releaseAndRead(rotated, "old\n");
        releaseAndRead(log, "new, and longer\n");
        if (archive == 1) {
            assertEquals("new, and longer\n", container.getBlobClient("rotate1/app.log").downloadContent().toString(),
                    "the container mirrors the tree at its latest content");
        }
    }

    /**
     * Azure drops the dots ending a path segment and turns '\\' into '/': "a.", "a.." and "a" name one blob there, as
     * do "b\\c" and "b/c". An ARCHIVE of such a file fails at once (EINVAL, not retried), the agent's log names it, and
     * no copy of it is made anywhere, so the plain file's copy stays its own. The posix archive follows the same rule.
     */
    @ParameterizedTest(name = "archive {0}")
    @ValueSource(ints = {1, 2})
    void aFileWhoseNameTheBlobServiceRewritesIsRefusedNamingIt(int archive) throws Exception {
        String dir = "dots" + archive;
        Path plain = file(dir + "/a", "plain a\n");
        file(dir + "/b/c", "plain b/c\n");
        archive(plain, archive);
        for (String name : List.of("a.", "a..", "b\\c")) {
            Path file = file(dir + "/" + name, "the file " + name + "\n");
            try (LogWatch log = new LogWatch()) {
                bed.lfs("hsm_archive", List.of(file), "--archive", Integer.toString(archive));
                cluster.awaitActionStatus(cluster.fid(file), "ARCHIVE", "FAILED");
                log.await("'" + dir + "/" + name + "'", WAIT);
                assertTrue(log.contains("failed with errno 22: invalid: '" + dir + "/" + name + "': "), name + ": "
                        + log.snapshot());
            }
            assertEquals(0, cluster.flags(file) & 0x08, name + " archived");
            assertTrue(new ArchiveRecordStore().read(file).isEmpty(), name + " has an archive record");
            if (archive == 1) {
                assertFalse(container.getBlobClient(dir + "/" + name).exists(), name + " has a blob");
            } else {
                assertFalse(Files.exists(posixRoot.resolve(dir + "/" + name)), name + " has a posix copy");
            }
        }
        if (archive == 1) {
            assertFalse(container.getBlobClient(dir + "/b/c").exists(), "b\\c was archived as b/c");
            assertEquals("plain a\n", container.getBlobClient(dir + "/a").downloadContent().toString());
        }
        releaseAndRead(plain, "plain a\n");
    }

    @Test
    void aRenamedFilesCopySurvivesANewFileAtItsOldPathInEitherOrderOfArchives() throws Exception {
        for (boolean newFileFirst : new boolean[] {true, false}) {
            String dir = "rename-" + newFileFirst;
            Path original = file(dir + "/x", "the first x\n");
            archive(original, 1);
            Path moved = original.resolveSibling("y");
            Files.move(original, moved);
            Path replacement = file(dir + "/x", "a new x\n");
            if (newFileFirst) {
                archive(replacement, 1);
                archive(moved, 1);
            } else {
                archive(moved, 1);
                archive(replacement, 1);
            }
            releaseAndRead(moved, "the first x\n");
            releaseAndRead(replacement, "a new x\n");
        }
    }

    @Test
    void aModifiedFileRenamedOntoAPathWhoseBlobAnotherLiveFileRecordsDoesNotDestroyIt() throws Exception {
        Path owner = file("onto/r", "r's own bytes\n");
        archive(owner, 1);
        Path ownerMoved = owner.resolveSibling("r-kept");
        Files.move(owner, ownerMoved); // still records blob onto/r

        Path other = file("onto/q", "q before\n");
        archive(other, 1);
        releaseAndRead(other, "q before\n"); // released, then restored by the read
        Files.writeString(other, "q after its change\n");
        Path onto = owner;
        Files.move(other, onto, StandardCopyOption.ATOMIC_MOVE);
        archive(onto, 1);

        releaseAndRead(ownerMoved, "r's own bytes\n");
        releaseAndRead(onto, "q after its change\n");
    }

    @Test
    void twoFidsRacingForOneNameNeverLoseEitherCopy() throws Exception {
        Path first = file("race2/n", "first, whose upload waits\n");
        Path second;
        try (HoldingProxy.Hold upload = proxy.hold("the first file's upload of race2/n",
                r -> r.isDataWrite() && r.isFor(CONTAINER, "race2/n"))) {
            bed.archive(first);
            upload.awaitHeld(1, WAIT, () -> cluster.getParam("actions"));
            Files.move(first, first.resolveSibling("n.old"));
            first = first.resolveSibling("n.old");
            second = file("race2/n", "second, archived while the first waits\n");
            // the second file's upload is held too (same name); closing the hold lets both race for the name
            bed.archive(second);
            upload.awaitHeld(2, WAIT, () -> cluster.getParam("actions"));
        }
        bed.awaitFlags(first, ARCHIVED, WAIT);
        bed.awaitFlags(second, ARCHIVED, WAIT);
        // whichever committed last holds the name; the other's copy was kept as a snapshot of it
        assertRecordNamesAKeptVersion(first);
        assertRecordNamesAKeptVersion(second);
        releaseAndRead(first, "first, whose upload waits\n");
        releaseAndRead(second, "second, archived while the first waits\n");
    }

    @Test
    void removeNeverDeletesABlobAnotherLiveFileRecords() throws Exception {
        Path original = file("remove/x", "x kept for the new x\n");
        archive(original, 1);
        Path moved = original.resolveSibling("old-x");
        Files.move(original, moved);
        Path replacement = file("remove/x", "the new x\n");
        archive(replacement, 1);

        bed.lfs("hsm_remove", List.of(moved));
        bed.awaitIdle(moved, WAIT);
        assertTrue(container.getBlobClient("remove/x").exists(), "REMOVE of the old file deleted the new file's blob");
        releaseAndRead(replacement, "the new x\n");
    }

    @Test
    void twoAgentsServingOneArchiveLeaveEveryFileRestorableByteIdentical() throws Exception {
        Path secondMount = cluster.addMount("mover2");
        try (AgentTestBed second = AgentTestBed.start(cluster, secondMount, keys)) {
            List<String> names = new ArrayList<>();
            Map<String, byte[]> md5 = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                // one-request files and files of two and three 1 MiB blocks
                long size = i % 2 == 0 ? 4096 + i : (1 << 20) + (i % 4 == 1 ? 300_000 : (1 << 20) + 7);
                String name = "two-agents/f" + i;
                md5.put(name, AgentTestBed.md5(bed.write(name, size)));
                names.add(name);
            }
            for (int round = 0; round < 3; round++) {
                for (Path mount : List.of(cluster.mount(), secondMount)) {
                    for (int from = 0; from < names.size(); from += AgentTestBed.LFS_FILES_PER_COMMAND) {
                        List<String> args = new ArrayList<>(List.of("hsm_archive"));
                        names.subList(from, from + AgentTestBed.LFS_FILES_PER_COMMAND)
                                .forEach(n -> args.add(mount.resolve(n).toString()));
                        cluster.lfs(args.toArray(String[]::new)); // a duplicate of a running request may be refused
                    }
                }
            }
            Cluster.await("every archive request ended", Duration.ofMinutes(3),
                    () -> !cluster.getParam("active_requests").contains("action=ARCHIVE"),
                    () -> cluster.getParam("active_requests"));
            for (String name : names) {
                Path file = cluster.mount().resolve(name);
                assertEquals(ARCHIVED, cluster.flags(file), name + ": " + cluster.lfs("hsm_action", file.toString()));
                assertRecordMatchesItsCopy(file);
                bed.release(file);
            }
            for (String name : names) {
                Path file = cluster.mount().resolve(name);
                assertEquals(RELEASED, cluster.flags(file), name);
                assertArrayEquals(md5.get(name), AgentTestBed.md5(file), name + " read back differs");
            }
        }
    }

    private void assertRecordMatchesItsCopy(Path file) throws Exception {
        ArchiveRecord record = new ArchiveRecordStore().read(file).orElseThrow(() -> new AssertionError(
                file + " is archived without a record"));
        var blob = container.getBlobClient(record.blob()).getProperties();
        assertEquals(record.etag(), "\"" + blob.getETag().replace("\"", "") + "\"",
                file + ": the record's ETag is not its blob's");
        assertArrayEquals(record.md5(), blob.getContentMd5(), file + ": the record's MD5 is not its blob's");
    }

    /** The version a file's record names is the blob's current one or a snapshot of it (never lost). */
    private void assertRecordNamesAKeptVersion(Path file) throws Exception {
        ArchiveRecord record = new ArchiveRecordStore().read(file).orElseThrow(() -> new AssertionError(
                file + " is archived without a record"));
        List<String> versions = new ArrayList<>();
        container.listBlobs(new ListBlobsOptions().setPrefix(record.blob())
                .setDetails(new BlobListDetails().setRetrieveSnapshots(true)), null).forEach(item -> {
                    if (item.getName().equals(record.blob())) {
                        versions.add("\"" + item.getProperties().getETag().replace("\"", "") + "\"");
                    }
                });
        assertTrue(versions.contains(record.etag()), file + ": recorded " + record.etag() + ", kept " + versions);
    }

    private Path file(String relative, String content) throws Exception {
        Path file = cluster.mount().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private void archive(Path file, int archive) {
        bed.lfs("hsm_archive", List.of(file), "--archive", Integer.toString(archive));
        bed.awaitFlags(file, ARCHIVED, WAIT);
    }

    /** Releases the file and reads it back through the mount: the agent restores it from its recorded copy. */
    private void releaseAndRead(Path file, String expected) throws Exception {
        bed.release(file);
        bed.awaitFlags(file, RELEASED, WAIT);
        assertEquals(expected, new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file + " read back");
    }
}

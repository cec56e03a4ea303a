package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import com.azure.storage.file.datalake.models.PathAccessControl;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobCanceller;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.LustreFile;
import io.azlhsm.testcluster.datalake.DataLakeStandIn;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code auto-export --propagate renames,metadata} on a hierarchical account (test-cluster's Data Lake stand-in over
 * Azurite): a renamed file and a renamed directory move their paths with the service's rename, the records follow, a
 * released file restores from its new name, and a chown and chmod after the rename reach the path's access control;
 * without the options nothing moves and nothing changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HierarchicalRenameIT {
    private static final Duration SHORT = Duration.ofSeconds(60);

    private AzuriteServer azurite;
    private DataLakeStandIn standIn;
    private Cluster cluster;
    private AgentTestBed bed;
    private CopytoolConfig config;
    private DataLakeFileSystemClient lake;
    private BlobContainerClient blobs;
    private String user;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        standIn = DataLakeStandIn.start(azurite);
        blobs = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .httpClient(new JdkHttpClientBuilder().build()).buildClient().createBlobContainer("lake");
        lake = new DataLakeServiceClientBuilder().endpoint(standIn.endpoint())
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY))
                .httpClient(new JdkHttpClientBuilder().build()).buildClient().getFileSystemClient("lake");
        cluster = Cluster.start();
        String keys = """
                archive.1.type = azure
                archive.1.container = lake
                archive.1.connection_string = %s
                archive.1.namespace = hierarchical
                archive.1.dfs_endpoint = %s
                """.formatted(azurite.connectionString(), standIn.endpoint());
        bed = AgentTestBed.start(cluster, cluster.mount(), keys);
        Properties properties = new Properties();
        properties.load(new StringReader(keys));
        properties.setProperty("mount", cluster.mount().toString());
        properties.setProperty("lustre.library", TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString());
        config = CopytoolConfig.fromProperties(properties, "hierarchical propagation");
        user = cluster.registerChangelogUser(cluster.mdt());
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (standIn != null) {
            standIn.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    /**
     * Archives a file and a file in a directory (released), renames both (and chowns and chmods the file) and a
     * symlink beside them (another is in the directory) under a running job; returns the job's end.
     */
    private JobOutcome renameUnderJob(String top, Set<Propagation> propagate) throws Exception {
        Path file = bed.write(top + "/f.dat", 2_000);
        Path inDirectory = bed.write(top + "/d/g.dat", 3_000);
        Files.setAttribute(inDirectory.getParent(), "unix:uid", 4322, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(inDirectory.getParent(), PosixFilePermissions.fromString("rwxr-x--x"));
        Files.setAttribute(file, "unix:uid", 4321, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(file.resolveSibling("l"), Path.of("f.dat"));
        Files.createSymbolicLink(inDirectory.resolveSibling("m"), Path.of("../f.dat")); // its directory is renamed
        Path chmodded = Files.createDirectories(inDirectory.getParent().resolveSibling("e"));
        Files.setPosixFilePermissions(chmodded, PosixFilePermissions.fromString("rwxr-xr-x"));
        bed.archive(file, inDirectory);
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        bed.awaitFlags(inDirectory, AgentTestBed.ARCHIVED, SHORT);
        bed.release(inDirectory);
        bed.awaitFlags(inDirectory, AgentTestBed.RELEASED, SHORT);

        JobRunner runner = new JobRunner(config, JobRunner.Settings.quiet());
        AutoExportOptions options = new AutoExportOptions(top, 0, 100, Duration.ofMillis(300), Duration.ofHours(1),
                ChangelogUsers.parse(List.of(user)), propagate);
        CompletableFuture<JobOutcome> job = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(new AutoExportJob(options));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            Path first = bed.write(top + "/first.dat", 100);
            bed.awaitFlags(first, AgentTestBed.ARCHIVED, SHORT);
            Cluster.await("the first pass to end", SHORT, () -> lastSuccess(runner) > 0);
            Files.move(file, file.resolveSibling("f2.dat"));
            Files.setAttribute(file.resolveSibling("f2.dat"), "unix:uid", 999, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(file.resolveSibling("f2.dat"), PosixFilePermissions.fromString("rw-------"));
            Files.move(inDirectory.getParent(), inDirectory.getParent().resolveSibling("d2"));
            Files.move(link, link.resolveSibling("l2"));
            Files.setPosixFilePermissions(chmodded, PosixFilePermissions.fromString("rwx--x---"));
            Path after = bed.write(top + "/after.dat", 100); // its pass, or an earlier one, propagated the renames
            bed.awaitFlags(after, AgentTestBed.ARCHIVED, SHORT);
        } finally {
            new JobCanceller(runner.store(), Duration.ofMinutes(2), Clock.systemUTC())
                    .cancel(Optional.empty(), Duration.ofSeconds(20));
        }
        JobOutcome outcome = job.get(60, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, outcome.state(), outcome::toString);
        return outcome;
    }

    private static long lastSuccess(JobRunner runner) {
        try {
            for (JobRecord record : runner.store().list()) {
                if (record.state() == JobState.IN_PROGRESS) {
                    return record.counters().getOrDefault(AutoExportMetrics.LAST_SUCCESS, 0L);
                }
            }
            return -1;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private ArchiveRecord record(Path file) throws Exception {
        return new ArchiveRecordStore().read(new LustreFile(cluster.mount(), LuFid.parse(cluster.fid(file)))
                .fidPath()).orElseThrow();
    }

    @Test
    void renamedPathsMoveWithTheServicesRenameAndTheRecordsFollow() throws Exception {
        JobOutcome outcome = renameUnderJob("hon", Set.of(Propagation.RENAMES, Propagation.METADATA));
        Path renamed = cluster.mount().resolve("hon/f2.dat");
        Path inDirectory = cluster.mount().resolve("hon/d2/g.dat");

        assertFalse(lake.getFileClient("hon/f.dat").exists(), outcome::toString);
        // renamed, then chown and chmod: the path and its blob's metadata say what the file says now
        PathAccessControl access = lake.getFileClient("hon/f2.dat").getAccessControl();
        assertEquals("999", access.getOwner(), outcome::toString);
        assertEquals("0600", access.getPermissions().toString());
        assertEquals("0600", blobs.getBlobClient("hon/f2.dat").getProperties().getMetadata().get("permissions"));
        assertEquals("hon/f2.dat", record(renamed).blob());
        assertEquals(PropagationIT.unquoted(blobs.getBlobClient("hon/f2.dat").getProperties().getETag()),
                PropagationIT.unquoted(record(renamed).etag()));

        assertFalse(lake.getFileClient("hon/d/g.dat").exists(), outcome::toString);
        assertTrue(lake.getFileClient("hon/d2/g.dat").exists(), outcome::toString);
        assertEquals("hon/d2/g.dat", record(inDirectory).blob());
        // a renamed symlink's blob, and that of one in a renamed directory, under the new name only (the old
        // directory could not have emptied otherwise)
        assertFalse(lake.getFileClient("hon/l").exists(), outcome::toString);
        assertEquals("f.dat", blobs.getBlobClient("hon/l2").downloadContent().toString(), outcome::toString);
        assertEquals("../f.dat", blobs.getBlobClient("hon/d2/m").downloadContent().toString(), outcome::toString);
        // the directory's new path has its owner and mode, the old one, left empty, is gone
        PathAccessControl directory = lake.getDirectoryClient("hon/d2").getAccessControl();
        assertEquals("4322", directory.getOwner(), outcome::toString);
        assertEquals("0751", directory.getPermissions().toString());
        assertFalse(lake.getDirectoryClient("hon/d").exists(), outcome::toString);
        // a chmod of a directory reaches its Data Lake directory
        assertEquals("0710", lake.getDirectoryClient("hon/e").getAccessControl().getPermissions().toString(),
                outcome::toString);
        byte[] before = blobs.getBlobClient("hon/d2/g.dat").getProperties().getContentMd5();
        bed.restore(inDirectory);
        bed.awaitFlags(inDirectory, AgentTestBed.ARCHIVED, SHORT);
        assertArrayEquals(before, AgentTestBed.md5(inDirectory), "restored from the new name, byte for byte");
    }

    @Test
    void withoutTheOptionNothingMoves() throws Exception {
        JobOutcome outcome = renameUnderJob("hoff", Set.of());
        assertTrue(lake.getFileClient("hoff/f.dat").exists(), outcome::toString);
        assertEquals("0640", lake.getFileClient("hoff/f.dat").getAccessControl().getPermissions().toString());
        assertFalse(lake.getFileClient("hoff/f2.dat").exists(), outcome::toString);
        assertTrue(lake.getFileClient("hoff/d/g.dat").exists(), outcome::toString);
        assertFalse(lake.getFileClient("hoff/d2/g.dat").exists(), outcome::toString);
        assertTrue(lake.getFileClient("hoff/l").exists(), outcome::toString);
        assertTrue(lake.getFileClient("hoff/d/m").exists(), outcome::toString);
        assertEquals("0755", lake.getDirectoryClient("hoff/e").getAccessControl().getPermissions().toString());
        assertEquals("hoff/f.dat", record(cluster.mount().resolve("hoff/f2.dat")).blob());
    }
}

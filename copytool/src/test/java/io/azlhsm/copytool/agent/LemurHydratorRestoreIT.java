package io.azlhsm.copytool.agent;

import static io.azlhsm.copytool.agent.AgentTestBed.ARCHIVED;
import static io.azlhsm.copytool.agent.AgentTestBed.RELEASED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreLibrary;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import io.azlhsm.testcluster.namespace.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Files that the AMLFS hydrator imported (default and {@code --lemur} mode, into a subdirectory) and files that
 * lemur's Azure data mover archived restore through our agent, found as those tools named their blobs, and only when
 * the blob is the stub's (its size). Each stub is made as its tool makes it, as root: the hydrator's
 * {@code llapi_hsm_import} under archive id 1 at {@code DEST/<blob name>} (laaso/hydrator.py:327-331, 742-755,
 * hsmimport.py:65-78), then in lemur mode its three {@code trusted.lhsm_*} attributes with XATTR_CREATE in its order
 * and values (blobcache.py:100-113, 151-154, 303-310; hydrator.py:404-443); lemur's archive of a Lustre file under
 * {@code Prefix/<mount-relative path>} with AMLFS's metadata keys (lemur cmd/lhsm-plugin-az/mover.go:173-219,
 * lhsm-plugin-az-core/archive.go:94-113), its agent's {@code trusted.lhsm_uuid} and {@code trusted.lhsm_url}
 * (agent_action.go:196-206), the file then archived and released under lemur's archive id with Lustre's own commands.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LemurHydratorRestoreIT {
    private static final String HYDRATED = "hydrated";
    private static final String LEMUR = "lemurarc";
    private static final int LEMUR_ARCHIVE = 2;
    private static final Duration SHORT = Duration.ofSeconds(120);

    private AzuriteServer azurite;
    private Cluster cluster;
    private AgentTestBed bed;
    private HsmFiles hsm;
    private BlobContainerClient hydrated;
    private BlobContainerClient lemur;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        cluster = Cluster.start();
        BlobServiceClient service = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient();
        hydrated = service.createBlobContainer(HYDRATED);
        lemur = service.createBlobContainer(LEMUR);
        // archive 1: the hydrator's default archive id, our prefix fs1/ (the hydrator's names have none);
        // archive 2: lemur's, whose archive config had prefix = "fs1" (blobs fs1/<path>)
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                archive.1.type = azure
                archive.1.container = %s
                archive.1.prefix = fs1/
                archive.1.connection_string = %s
                archive.1.hydrator_roots = %s, projects/other
                archive.2.type = azure
                archive.2.container = %s
                archive.2.prefix = fs1/
                archive.2.connection_string = %s
                """.formatted(HYDRATED, azurite.connectionString(), cluster.mount().resolve("projects/default"),
                LEMUR, azurite.connectionString()));
        hsm = new HsmFiles(LustreLibrary.load(TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString()));
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    private static byte[] content(String seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed.hashCode()).nextBytes(bytes);
        return bytes;
    }

    /** A blob as the hydrator's users (or AMLFS) left it: AMLFS's owner, group and permissions keys. */
    private static void put(BlobContainerClient container, String name, byte[] data) {
        container.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(data))
                .setMetadata(Map.of("owner", "1000", "group", "1000", "permissions", "0640")), null, null);
    }

    /**
     * A stub as hydrator.py makes it: the parents (mkdir, 0777), then llapi_hsm_import at DEST/<blob name> under
     * archive id 1 with the blob's size, mode, owner, group and Last-Modified.
     */
    private Path hydrate(String dest, String blobName) throws Exception {
        long size = hydrated.getBlobClient(blobName).getProperties().getBlobSize();
        Path stub = cluster.mount().resolve(dest).resolve(blobName);
        Files.createDirectories(stub.getParent());
        long mtime = Instant.now().getEpochSecond();
        hsm.importFile(stub, 1, size, 0640, 1000, 1000, mtime, mtime);
        assertEquals(RELEASED, cluster.flags(stub));
        return stub;
    }

    /** What the hydrator's --lemur mode adds, in its order and with its values (the uuid names container and blob). */
    private static void lemurMode(Path stub, String container, String blobName) throws IOException {
        // XAttr's value defaults to the key's own bytes (blobcache.py:69, 152)
        Xattrs.set(stub, "trusted.lhsm_url", "trusted.lhsm_url".getBytes(StandardCharsets.US_ASCII),
                Xattrs.XATTR_CREATE);
        // HashXAttr: the key's bytes in upper-case hex (blobcache.py:107-113, 153)
        Xattrs.set(stub, "trusted.lhsm_hash", HexFormat.of().withUpperCase()
                .formatHex("trusted.lhsm_hash".getBytes(StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII),
                Xattrs.XATTR_CREATE);
        Xattrs.set(stub, "trusted.lhsm_uuid", ("az://" + container + "/" + blobName).getBytes(StandardCharsets.UTF_8),
                Xattrs.XATTR_CREATE);
    }

    @Test
    void hydratorDefaultModeStubsBelowTheMountRootRestoreFromTheirNamesRelativeToTheImportRoot() throws Exception {
        // hydrator.py ACCOUNT hydrated SAS -a <mnt>/projects/default -p data/ : stubs at DEST/data/...
        byte[] big = content("default-big", (1 << 20) * 2 + 3);
        byte[] small = content("default-small", 4321);
        put(hydrated, "data/run1/big.bin", big);
        put(hydrated, "data/small.txt", small);
        Path bigStub = hydrate("projects/default", "data/run1/big.bin");
        Path smallStub = hydrate("projects/default", "data/small.txt");

        assertArrayEquals(big, Files.readAllBytes(bigStub), "read through the client: an implicit restore");
        assertArrayEquals(small, Files.readAllBytes(smallStub));
        assertEquals(ARCHIVED, cluster.flags(bigStub));
        assertEquals(ARCHIVED, cluster.flags(smallStub));
    }

    @Test
    void hydratorLemurModeStubsRestoreFromTheirLemurFileIdWhereverTheyWereImported() throws Exception {
        // -a <mnt>/projects/lemur-mode --lemur: not a configured root; the uuid names the blob
        byte[] data = content("lemur-mode", (1 << 20) + 17);
        put(hydrated, "hyd/x/b.bin", data);
        Path stub = hydrate("projects/lemur-mode", "hyd/x/b.bin");
        lemurMode(stub, HYDRATED, "hyd/x/b.bin");

        assertArrayEquals(data, Files.readAllBytes(stub));
        assertEquals(ARCHIVED, cluster.flags(stub));
    }

    /**
     * The stub's owner (uid 1000, from the blob's metadata) asks for a restore naming another blob of the same size:
     * lemur would take the request's file_id (agent_action.go:119-121); the agent keeps to the file id only root
     * could have written, and the owner gets their own bytes.
     */
    @Test
    void aRequestsFileIdDoesNotOverrideTheLemurFileIdOnlyRootCanSet() throws Exception {
        byte[] own = content("own", 30_000);
        put(hydrated, "hyd/own.bin", own);
        put(hydrated, "secret/s.bin", content("secret", 30_000));
        Path stub = hydrate("projects/lemur-mode", "hyd/own.bin");
        lemurMode(stub, HYDRATED, "hyd/own.bin");

        var asked = cluster.lfsAs(1000, "hsm_restore", "--data", "{\"file_id\":\"secret/s.bin\"}", stub.toString());
        assertEquals(true, asked.ok(), asked.toString());
        bed.awaitFlags(stub, ARCHIVED, SHORT);
        assertArrayEquals(own, Files.readAllBytes(stub));
    }

    @Test
    void filesLemurArchivedRestoreFromItsFileIdAfterARename() throws Exception {
        byte[] data = content("lemur-archived", (1 << 20) * 3 + 1);
        Path file = cluster.mount().resolve("lemurfs/dir/f.dat");
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        // lemur's archive: blob Prefix/<path relative to the mount>, then its agent records the file id and URL
        put(lemur, "fs1/lemurfs/dir/f.dat", data);
        Xattrs.set(file, "trusted.lhsm_uuid", "lemurfs/dir/f.dat".getBytes(StandardCharsets.UTF_8));
        Xattrs.set(file, "trusted.lhsm_url", ("az://" + AzuriteServer.ACCOUNT + ".blob.core.windows.net/" + LEMUR
                + "/fs1/lemurfs/dir/f.dat").getBytes(StandardCharsets.UTF_8));
        // the coordinator's end of lemur's ARCHIVE (exists, archived, archive id, archived data version), then release
        lfsOk("hsm_set", "--exists", "--archived", "--archive-id", Integer.toString(LEMUR_ARCHIVE), file.toString());
        lfsOk("data_version", "-s", file.toString());
        lfsOk("hsm_release", file.toString());
        assertEquals(RELEASED, cluster.flags(file));
        Path renamed = Files.move(file, file.resolveSibling("renamed.dat"));

        assertArrayEquals(data, Files.readAllBytes(renamed), "found by trusted.lhsm_uuid, not by its new path");
        assertEquals(ARCHIVED, cluster.flags(renamed));
    }

    @Test
    void aBlobOfAnotherSizeOrInAnotherContainerIsRefusedAndTheFileStaysReleased() throws Exception {
        byte[] data = content("mismatch", 70_000);
        put(hydrated, "hyd/y/c.bin", data);
        Path replaced = hydrate("projects/lemur-mode", "hyd/y/c.bin");
        lemurMode(replaced, HYDRATED, "hyd/y/c.bin");
        put(hydrated, "hyd/y/c.bin", content("another", 70_010)); // overwritten since the import
        put(hydrated, "other/d.bin", content("elsewhere", 5000));
        Path elsewhere = hydrate("projects/lemur-mode", "other/d.bin");
        lemurMode(elsewhere, "someothercontainer", "other/d.bin");
        // default mode below a configured root, blob replaced by a shorter one
        put(hydrated, "e.bin", content("e", 9000));
        Path shorter = hydrate("projects/other", "e.bin");
        put(hydrated, "e.bin", content("e2", 8999));

        try (LogWatch log = new LogWatch()) {
            for (Path stub : new Path[] {replaced, elsewhere, shorter}) {
                IOException failed = assertThrows(IOException.class, () -> Files.readAllBytes(stub), stub::toString);
                assertEquals(RELEASED, cluster.flags(stub), stub + " stays released: " + failed);
            }
            log.await("projects/lemur-mode/hyd/y/c.bin: blob hyd/y/c.bin (found by lemur file id"
                    + " trusted.lhsm_uuid=az://" + HYDRATED + "/hyd/y/c.bin) holds 70010 bytes but the file records"
                    + " 70000", SHORT);
            log.await("projects/lemur-mode/other/d.bin) has no archive record, and its trusted.lhsm_uuid"
                    + " 'az://someothercontainer/other/d.bin' names container someothercontainer, but archive 1"
                    + " is container " + HYDRATED, SHORT);
            log.await("projects/other/e.bin: blob e.bin (found by path below hydrator import root projects/other)"
                    + " holds 8999 bytes but the file records 9000", SHORT);
        }
    }

    private void lfsOk(String... args) {
        var result = cluster.lfs(args);
        if (!result.ok()) {
            throw new AssertionError("lfs " + String.join(" ", args) + ": " + result);
        }
    }
}

package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import com.azure.storage.file.datalake.models.PathAccessControl;
import com.azure.storage.file.datalake.models.PathAccessControlEntry;
import com.azure.storage.file.datalake.models.PathPermissions;
import com.azure.storage.file.datalake.options.DataLakePathCreateOptions;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.archive.metadata.PosixAcl;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportJob;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.copytool.jobs.imports.ImportPrefixes;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.testcluster.datalake.DataLakeStandIn;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An archive on an account with hierarchical namespace: the product talks to the Data Lake stand-in through the SDK,
 * the data to Azurite through the Blob API. Archive sets owner, group and mode as the path's access control, restore
 * brings the data back, import takes owner, group and mode from the paths (a non-numeric owner gets default_uid).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HierarchicalNamespaceIT {
    private static final long MIB = 1 << 20;
    private static final Duration SHORT = Duration.ofSeconds(60);
    private static final int DIRTY = 0x02; // HS_DIRTY (lustre_user.h)
    private static final String ENTRA_OWNER = "8d7a5c1e-0f6b-4a51-9d3e-2c4b1a000001";

    private AzuriteServer azurite;
    private DataLakeStandIn standIn;
    private Cluster cluster;
    private AgentTestBed bed;
    private CopytoolConfig config;
    private BlobServiceClient blobs;
    private DataLakeFileSystemClient lake;
    private DataLakeFileSystemClient imports;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        standIn = DataLakeStandIn.start(azurite);
        blobs = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .httpClient(new JdkHttpClientBuilder().build()).buildClient();
        blobs.createBlobContainer("lake");
        blobs.createBlobContainer("lakeimport");
        var service = new DataLakeServiceClientBuilder().endpoint(standIn.endpoint())
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY))
                .httpClient(new JdkHttpClientBuilder().build()).buildClient();
        lake = service.getFileSystemClient("lake");
        imports = service.getFileSystemClient("lakeimport");
        cluster = Cluster.start();
        String keys = """
                archive.1.type = azure
                archive.1.container = lake
                archive.1.prefix = fs1/
                archive.1.single_put_limit = 1MiB
                archive.1.logging_container = joblogs
                archive.1.connection_string = %1$s
                archive.1.namespace = hierarchical
                archive.1.dfs_endpoint = %2$s
                archive.2.type = azure
                archive.2.container = lakeimport
                archive.2.logging_container = joblogs
                archive.2.connection_string = %1$s
                archive.2.namespace = hierarchical
                archive.2.dfs_endpoint = %2$s
                archive.2.default_uid = 4242
                archive.2.default_gid = 4343
                """.formatted(azurite.connectionString(), standIn.endpoint());
        bed = AgentTestBed.start(cluster, cluster.mount(), keys);
        Properties properties = new Properties();
        properties.load(new java.io.StringReader(keys));
        properties.setProperty("mount", cluster.mount().toString());
        properties.setProperty("lustre.library", TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString());
        properties.setProperty("pipeline.chunk_size", "1MiB");
        properties.setProperty("runtime_dir", cluster.root().resolve("agent-run").toString());
        config = CopytoolConfig.fromProperties(properties, "hierarchical namespace jobs");
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

    @Test
    void archiveSetsOwnerGroupAndModeAsThePathsAccessControlAndRestoreBringsTheDataBack() throws Exception {
        Path small = bed.write("owned/small.dat", 1000);
        Path large = bed.write("owned/large.dat", 2 * MIB + 5); // above single_put_limit: staged blocks
        own(small, 1234, 567, "rw-r-----");
        own(large, 2345, 678, "rwx--x---");
        byte[] smallMd5 = AgentTestBed.md5(small);
        byte[] largeMd5 = AgentTestBed.md5(large);
        bed.archive(small, large);
        bed.awaitFlags(small, AgentTestBed.ARCHIVED, SHORT);
        bed.awaitFlags(large, AgentTestBed.ARCHIVED, SHORT);

        PathAccessControl smallAcl = lake.getFileClient("fs1/owned/small.dat").getAccessControl();
        assertEquals("1234", smallAcl.getOwner());
        assertEquals("567", smallAcl.getGroup());
        assertEquals("0640", smallAcl.getPermissions().toString());
        PathAccessControl largeAcl = lake.getFileClient("fs1/owned/large.dat").getAccessControl();
        assertEquals("2345", largeAcl.getOwner());
        assertEquals("678", largeAcl.getGroup());
        assertEquals("0710", largeAcl.getPermissions().toString());

        bed.release(small, large);
        bed.awaitFlags(small, AgentTestBed.RELEASED, SHORT);
        bed.restore(small, large);
        bed.awaitFlags(small, AgentTestBed.ARCHIVED, SHORT);
        bed.awaitFlags(large, AgentTestBed.ARCHIVED, SHORT);
        assertArrayEquals(smallMd5, AgentTestBed.md5(small));
        assertArrayEquals(largeMd5, AgentTestBed.md5(large));
        assertEquals(List.of(), standIn.unsupportedRequests(), "the product asked the stand-in for more than it has");
    }

    @Test
    void aDirectoryIsCreatedAsADirectoryWithItsOwnerGroupAndMode() throws Exception {
        try (var backend = io.azlhsm.copytool.archive.BackendFactory.create(
                io.azlhsm.copytool.config.BackendSettingsOf.archive(config.archives().get(1), MIB))) {
            backend.putMarker("fs1/tree/sub", new io.azlhsm.copytool.archive.ObjectAttributes(null,
                    Map.of("hdi_isfolder", "true", "owner", "1500", "group", "1600", "permissions", "0751")));
            PathAccessControl acl = lake.getDirectoryClient("fs1/tree/sub").getAccessControl();
            assertEquals("1500", acl.getOwner());
            assertEquals("1600", acl.getGroup());
            assertEquals("0751", acl.getPermissions().toString());
            assertTrue(lake.getDirectoryClient("fs1/tree/sub").getProperties().isDirectory());
            // Made again (a parent made first by the service, or a re-run): it takes the attributes it is given.
            backend.putMarker("fs1/tree", new io.azlhsm.copytool.archive.ObjectAttributes(null,
                    Map.of("hdi_isfolder", "true", "owner", "1501", "group", "1601", "permissions", "0700")));
            assertEquals("1501", lake.getDirectoryClient("fs1/tree").getAccessControl().getOwner());
        }
    }

    @Test
    void importTakesOwnerGroupAndModeFromThePathsAndMapsANonNumericOwner() throws Exception {
        imports.createDirectoryWithResponse("imp/d", new DataLakePathCreateOptions().setOwner("1001")
                .setGroup("1002").setPermissions("0750").setUmask("0000"), null, null);
        byte[] data = "hierarchical data".getBytes();
        // Data through the Blob API (as the product writes it), then the path's POSIX properties through Data Lake;
        // the blob's own metadata says otherwise, and the path's properties must win.
        upload("lakeimport", "imp/d/f", data, Map.of("owner", "1", "group", "1", "permissions", "0777"));
        imports.getFileClient("imp/d/f").setPermissions(PathPermissions.parseOctal("0604"), "1004", "1003");
        upload("lakeimport", "imp/d/entra", "e".getBytes(), Map.of());
        imports.getFileClient("imp/d/entra").setPermissions(PathPermissions.parseOctal("0640"), "$superuser",
                ENTRA_OWNER);

        JobOutcome outcome = new JobRunner(config, JobRunner.Settings.quiet()).run(new ImportJob(new ImportOptions(2,
                ImportPrefixes.normalize(List.of("imp/")), ConflictMode.FAIL, 0, "", 8)));
        assertEquals(JobState.COMPLETED, outcome.state(), outcome.toString());

        Path mnt = cluster.mount();
        assertEquals(List.of(1001, 1002, 0750), ids(mnt.resolve("imp/d")));
        assertEquals(List.of(1003, 1004, 0604), ids(mnt.resolve("imp/d/f")));
        assertEquals(List.of(4242, 4343, 0640), ids(mnt.resolve("imp/d/entra")),
                "an Entra object id and $superuser map to default_uid and default_gid");
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("imp/d/f")), "the stub restores from the blob");
        assertFalse(blobs.getBlobContainerClient("lakeimport").getBlobClient("imp/d/f/").exists());

        // The path's mode changes on the account (and with it the ETag): skip leaves the stub, overwrite-always
        // replaces it with the path's new attributes.
        imports.getFileClient("imp/d/f").setPermissions(PathPermissions.parseOctal("0600"), null, null);
        assertEquals(JobState.COMPLETED, runImport(ConflictMode.SKIP).state());
        assertEquals(List.of(1003, 1004, 0604), ids(mnt.resolve("imp/d/f")), "skip leaves the stub as it was");
        assertEquals(JobState.COMPLETED, runImport(ConflictMode.OVERWRITE_ALWAYS).state());
        assertEquals(List.of(1003, 1004, 0600), ids(mnt.resolve("imp/d/f")), "overwrite-always takes the new mode");
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("imp/d/f")));
        assertEquals(List.of(), standIn.unsupportedRequests(), "the product asked the stand-in for more than it has");
    }

    /**
     * overwrite-dirty on a hierarchical account, as AMLFS defines it: a file written in Lustre since its import
     * (dirty) is deleted and imported again, so it reads as the account holds it; a released stub whose path's owner
     * and mode changed on the account (setAccessControl gives the path a new ETag, so its record no longer matches) is
     * imported again with the path's new owner and mode and restores from the path.
     */
    @Test
    void overwriteDirtyReimportsADirtyFileAndAStubWhosePathsAccessControlChanged() throws Exception {
        byte[] dirtyData = "blob dirty".getBytes();
        byte[] releasedData = "blob released".getBytes();
        upload("lakeimport", "od/dirty", dirtyData, Map.of());
        // setPermissions takes (permissions, group, owner)
        imports.getFileClient("od/dirty").setPermissions(PathPermissions.parseOctal("0644"), "2002", "2001");
        upload("lakeimport", "od/released", releasedData, Map.of());
        imports.getFileClient("od/released").setPermissions(PathPermissions.parseOctal("0640"), "2004", "2003");
        assertEquals(JobState.COMPLETED, runImport(ConflictMode.FAIL, "od/").state());

        Path mnt = cluster.mount();
        Path dirty = mnt.resolve("od/dirty");
        Path released = mnt.resolve("od/released");
        assertArrayEquals(dirtyData, Files.readAllBytes(dirty), "the stub restores from the path");
        bed.awaitFlags(dirty, AgentTestBed.ARCHIVED, SHORT);
        Files.write(dirty, " written in lustre".getBytes(), java.nio.file.StandardOpenOption.APPEND);
        bed.awaitFlags(dirty, AgentTestBed.ARCHIVED | DIRTY, SHORT);
        bed.awaitFlags(released, AgentTestBed.RELEASED, SHORT);
        imports.getFileClient("od/released").setPermissions(PathPermissions.parseOctal("0600"), null, "2005");

        JobOutcome od = runImport(ConflictMode.OVERWRITE_DIRTY, "od/");
        assertEquals(JobState.COMPLETED, od.state(), od.toString());
        assertEquals(2L, od.counters().get("totalConflicts"), od.toString());
        assertEquals(0L, od.counters().get("staleStubs"), od.toString());
        bed.awaitFlags(dirty, AgentTestBed.RELEASED, SHORT);
        assertEquals(List.of(2001, 2002, 0644), ids(dirty));
        assertArrayEquals(dirtyData, Files.readAllBytes(dirty), "the dirty file reads as the account holds it");
        bed.awaitFlags(released, AgentTestBed.RELEASED, SHORT);
        assertEquals(List.of(2005, 2004, 0600), ids(released), "the stub has the path's new owner and mode");
        assertArrayEquals(releasedData, Files.readAllBytes(released), "the new stub restores from the path");
        assertEquals(List.of(), standIn.unsupportedRequests(), "the product asked the stand-in for more than it has");
    }

    private JobOutcome runImport(ConflictMode mode) throws Exception {
        return runImport(mode, "imp/");
    }

    private JobOutcome runImport(ConflictMode mode, String prefix) throws Exception {
        return new JobRunner(config, JobRunner.Settings.quiet()).run(new ImportJob(new ImportOptions(2,
                ImportPrefixes.normalize(List.of(prefix)), mode, 0, "", 8)));
    }

    @Test
    void exportMakesDirectoriesAsDirectoriesAndFilesWithTheirAccessControl() throws Exception {
        Path file = bed.write("exp/sub/file.dat", 3000);
        Path sub = file.getParent();
        own(file, 3001, 3002, "rw-rw----");
        own(sub, 3003, 3004, "rwxr-x--x");
        JobOutcome outcome = new JobRunner(config, JobRunner.Settings.quiet()).run(
                new io.azlhsm.copytool.jobs.export.ExportJob(new io.azlhsm.copytool.jobs.export.ExportOptions(
                        "exp", 1, 100, true)));
        assertEquals(JobState.COMPLETED, outcome.state(), outcome.toString());
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);

        PathAccessControl directory = lake.getDirectoryClient("fs1/exp/sub").getAccessControl();
        assertEquals(List.of("3003", "3004", "0751"), List.of(directory.getOwner(), directory.getGroup(),
                directory.getPermissions().toString()));
        assertTrue(lake.getDirectoryClient("fs1/exp/sub").getProperties().isDirectory());
        PathAccessControl exported = lake.getFileClient("fs1/exp/sub/file.dat").getAccessControl();
        assertEquals(List.of("3001", "3002", "0660"), List.of(exported.getOwner(), exported.getGroup(),
                exported.getPermissions().toString()));

        // The checker walks the same paths (Data Lake listing) and finds the exported tree in order.
        Path report = cluster.root().resolve("hns-check.json");
        JobOutcome check = new JobRunner(config, JobRunner.Settings.quiet()).run(
                new io.azlhsm.copytool.jobs.check.CheckJob(new io.azlhsm.copytool.jobs.check.CheckOptions("exp", 1,
                        report, false, 100, false, null)));
        assertEquals(JobState.COMPLETED, check.state(), () -> check + "\n" + readQuietly(report));
        Map<String, Long> counters = check.counters();
        for (String problem : List.of("not-archived", "blob-missing", "lost", "blob-replaced", "size-mismatch",
                "stale-stub", "orphan-blob", "foreign-blob", io.azlhsm.copytool.jobs.check.CheckJob.ERRORS)) {
            assertEquals(0L, counters.getOrDefault(problem, 0L), problem + " in " + counters);
        }
        assertEquals(1L, counters.get(io.azlhsm.copytool.jobs.check.CheckJob.FILES), counters.toString());
        assertEquals(2L, counters.get(io.azlhsm.copytool.jobs.check.CheckJob.BLOBS), "the file's and exp/sub's");
        assertEquals(3L, counters.get("ok"), counters.toString());
        assertEquals(List.of(), standIn.unsupportedRequests(), "the product asked the stand-in for more than it has");
    }

    /**
     * POSIX ACLs both ways: a file's and a directory's extended ACL (access, and the directory's default entries)
     * become their paths' ACLs on export, a file without one keeps owner, group and mode only; an import into another
     * target gives the stubs and the directory the paths' ACLs back, leaves out a named entry of an Entra object id,
     * and overwrite-always gives a directory its path's changed ACL exactly (default entries removed).
     */
    @Test
    void posixAclsTravelToThePathsAndBackToTheStubs() throws Exception {
        String fileAcl = "user::rw-,user:1000:r-x,group::r--,group:50:rw-,mask::rwx,other::---";
        String dirAcl = "user::rwx,group::r-x,group:60:r-x,mask::r-x,other::---,default:user::rwx,"
                + "default:user:1000:rwx,default:group::r-x,default:mask::rwx,default:other::---";
        Path file = bed.write("aclx/dir/file.dat", 2000);
        Path plain = bed.write("aclx/dir/plain.dat", 10);
        Path dir = file.getParent();
        own(file, 1234, 567, "rw-r-----");
        own(plain, 1235, 568, "rw-r--r--");
        own(dir, 3003, 3004, "rwxr-x---");
        setAcl(file, fileAcl, false);
        setAcl(dir, dirAcl, true); // after its files were made, so that they inherit nothing
        assertEquals(List.of(1234, 567, 0670), ids(file), "the group class is the mask");

        JobOutcome export = new JobRunner(config, JobRunner.Settings.quiet()).run(
                new io.azlhsm.copytool.jobs.export.ExportJob(new io.azlhsm.copytool.jobs.export.ExportOptions(
                        "aclx", 1, 100, true)));
        assertEquals(JobState.COMPLETED, export.state(), export.toString());
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        bed.awaitFlags(plain, AgentTestBed.ARCHIVED, SHORT);

        PathAccessControl fileOnAccount = lake.getFileClient("fs1/aclx/dir/file.dat").getAccessControl();
        assertEquals(fileAcl, PathAccessControlEntry.serializeList(fileOnAccount.getAccessControlList()),
                "the file's ACL is its path's");
        assertEquals(List.of("1234", "567"), List.of(fileOnAccount.getOwner(), fileOnAccount.getGroup()));
        PathAccessControl dirOnAccount = lake.getDirectoryClient("fs1/aclx/dir").getAccessControl();
        assertEquals(dirAcl, PathAccessControlEntry.serializeList(dirOnAccount.getAccessControlList()),
                "the directory's ACL, default entries too, is its path's");
        assertEquals(List.of("3003", "3004", "0750"), List.of(dirOnAccount.getOwner(), dirOnAccount.getGroup(),
                dirOnAccount.getPermissions().toString()));
        PathAccessControl plainOnAccount = lake.getFileClient("fs1/aclx/dir/plain.dat").getAccessControl();
        assertEquals("user::rw-,group::r--,other::r--",
                PathAccessControlEntry.serializeList(plainOnAccount.getAccessControlList()));
        assertEquals("0644", plainOnAccount.getPermissions().toString());

        assertEquals(JobState.COMPLETED, new JobRunner(config, JobRunner.Settings.quiet()).run(new ImportJob(
                new ImportOptions(1, ImportPrefixes.normalize(List.of("aclx/")), ConflictMode.FAIL, 0, "aclcopy", 8)))
                .state());
        Path copy = cluster.mount().resolve("aclcopy/aclx/dir");
        assertEquals(fileAcl, acl(copy.resolve("file.dat"), PosixAcl.ACCESS_XATTR), "the stub has the path's ACL");
        assertEquals(List.of(1234, 567, 0670), ids(copy.resolve("file.dat")));
        assertEquals(dirAcl, PosixAcl.fromXattrs(ExtendedAttributes.get(copy, PosixAcl.ACCESS_XATTR).orElse(null),
                ExtendedAttributes.get(copy, PosixAcl.DEFAULT_XATTR).orElse(null), 0).toHns(),
                "the directory has the path's access and default ACL");
        assertEquals(List.of(3003, 3004, 0750), ids(copy));
        assertEquals(null, acl(copy.resolve("plain.dat"), PosixAcl.ACCESS_XATTR),
                "a path without an extended ACL gives none, not even its directory's default one");
        assertEquals(List.of(1235, 568, 0644), ids(copy.resolve("plain.dat")));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy.resolve("file.dat")),
                "the stub restores from the path");

        // A path on the account whose ACL names an Entra object id besides a uid: that entry is left out.
        upload("lakeimport", "aclimp/d/f", "e".getBytes(), Map.of());
        imports.getFileClient("aclimp/d/f").setAccessControlList(PathAccessControlEntry.parseList(
                "user::rw-,user:" + ENTRA_OWNER + ":rwx,user:2000:r--,group::r--,mask::rwx,other::---"), "20", "10");
        imports.getDirectoryClient("aclimp/d").setAccessControlList(PathAccessControlEntry.parseList(dirAcl), "21",
                "11");
        JobOutcome entra = runImport(ConflictMode.FAIL, "aclimp/");
        assertEquals(JobState.COMPLETED, entra.state(), "an entry naming an Entra object id fails nothing: " + entra);
        Path imported = cluster.mount().resolve("aclimp/d");
        assertEquals("user::rw-,user:2000:r--,group::r--,mask::rwx,other::---", acl(imported.resolve("f"),
                PosixAcl.ACCESS_XATTR), "the Entra object id's entry is left out, the uid's kept");
        assertEquals(List.of(10, 20, 0670), ids(imported.resolve("f")));

        // A new stub in a directory that has a default ACL in Lustre takes it at creation; a path without an extended
        // ACL must not keep it (skip leaves d as it is, so its default ACL is there when the stub is made).
        upload("lakeimport", "aclimp/d/g", "g".getBytes(), Map.of());
        imports.getFileClient("aclimp/d/g").setPermissions(PathPermissions.parseOctal("0640"), "20", "10");
        assertEquals(JobState.COMPLETED, runImport(ConflictMode.SKIP, "aclimp/").state());
        assertEquals(null, acl(imported.resolve("g"), PosixAcl.ACCESS_XATTR),
                "the ACL the stub took from its directory's default ACL is removed");
        assertEquals(List.of(10, 20, 0640), ids(imported.resolve("g")));

        // The directory's ACL changes on the account: overwrite-always gives it exactly (no default entries left).
        imports.getDirectoryClient("aclimp/d").setAccessControlList(PathAccessControlEntry.parseList(
                "user::rwx,group::r-x,group:61:rwx,mask::rwx,other::--x"), null, null);
        assertEquals(JobState.COMPLETED, runImport(ConflictMode.OVERWRITE_ALWAYS, "aclimp/").state());
        assertEquals("user::rwx,group::r-x,group:61:rwx,mask::rwx,other::--x", acl(imported,
                PosixAcl.ACCESS_XATTR));
        assertEquals(null, acl(imported, PosixAcl.DEFAULT_XATTR), "the default entries the path lost are removed");
        assertEquals(List.of(), standIn.unsupportedRequests(), "the product asked the stand-in for more than it has");
    }

    /** Sets a file's access ACL, or a directory's access and default ACL, as setfacl does: through the xattrs. */
    private static void setAcl(Path path, String hns, boolean directory) throws Exception {
        PosixAcl acl = PosixAcl.fromHns(hns);
        ExtendedAttributes.set(path, PosixAcl.ACCESS_XATTR, acl.accessXattr());
        if (directory) {
            ExtendedAttributes.set(path, PosixAcl.DEFAULT_XATTR, acl.defaultXattr());
        }
    }

    /** An ACL xattr as the x-ms-acl form of its entries (no default: prefix), or null when the file has none. */
    private static String acl(Path path, String xattr) throws Exception {
        java.util.Optional<byte[]> value = ExtendedAttributes.get(path, xattr);
        if (value.isEmpty()) {
            return null;
        }
        return PosixAcl.fromXattrs(value.get(), null, 0).toHns();
    }

    @Test
    void autoAsksTheAccountAndAzuriteIsFlat() throws Exception {
        var settings = io.azlhsm.copytool.archive.BackendSettings.builder(5,
                        io.azlhsm.copytool.archive.BackendSettings.BackendType.AZURE)
                .container("lake").connectionString(io.azlhsm.copytool.archive.BackendSecret.of(
                        azurite.connectionString()))
                .namespace(new io.azlhsm.copytool.archive.NamespaceSettings(
                        io.azlhsm.copytool.archive.NamespaceSettings.Kind.AUTO, null, 0, 0)).build();
        try (var backend = io.azlhsm.copytool.archive.BackendFactory.create(settings)) {
            assertFalse(backend.describe().contains("namespace=hierarchical"), backend.describe());
            assertTrue(backend instanceof AzureBlobBackend, "Azurite leaves out x-ms-is-hns-enabled: flat");
        }
    }

    private void upload(String container, String name, byte[] body, Map<String, String> metadata) {
        BlobContainerClient client = blobs.getBlobContainerClient(container);
        client.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(body))
                .setMetadata(metadata.isEmpty() ? null : metadata), null, null);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no report: " + e + ")";
        }
    }

    private static void own(Path file, int uid, int gid, String mode) throws Exception {
        Files.setAttribute(file, "unix:uid", uid);
        Files.setAttribute(file, "unix:gid", gid);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    private static List<Integer> ids(Path path) throws Exception {
        return List.of((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    }
}

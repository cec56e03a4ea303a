package io.azlhsm.copytool.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopytoolConfigTest {
    private static final String ACCOUNT_KEY = "c2VjcmV0LWtleS1ieXRlcw==";
    private static final String SAS = "sv=2024-01-01&sig=VERYSECRETSIG%3D";

    private static final String MINIMAL = """
            mount = /mnt/lustre
            archive.1.type = posix
            archive.1.root = /srv/archive
            """;

    static CopytoolConfig parse(String text) throws Exception {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return CopytoolConfig.fromProperties(properties, "test.properties");
    }

    static ConfigException failure(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    @Test
    void defaultsApplyToAMinimalFile() throws Exception {
        CopytoolConfig config = parse(MINIMAL);

        assertEquals(Path.of("/mnt/lustre"), config.mount());
        assertEquals("lustreapi", config.lustreLibrary());
        assertEquals(8L << 20, config.chunkSize());
        assertEquals(64, config.ringSize());
        assertEquals(512L << 20, config.memoryBudget());
        assertEquals(8, config.readers());
        assertEquals(4, config.writers());
        assertEquals(Duration.ofSeconds(10), config.progressInterval());
        assertEquals(64, config.maxActionsInFlight());
        assertEquals(10_000, config.maxActionsWaiting());
        assertEquals(Level.INFO, config.logLevel());
        assertArrayEquals(new int[] {1}, config.archiveIds());

        ArchiveSettings archive = config.archives().get(1);
        assertEquals(ArchiveType.POSIX, archive.type());
        assertEquals(Optional.of(Path.of("/srv/archive")), archive.root());
        assertEquals(32L << 20, archive.singlePutLimit());
        assertEquals(32, archive.maxConcurrency());
        assertFalse(archive.releaseAfterArchive());
        assertEquals("", archive.prefix());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        CopytoolConfig config = parse("""
                mount = /lustre/fs1
                lustre.library = /opt/azlhsm/native-shim/build/libhsmsim.so
                pipeline.chunk_size = 4MiB
                pipeline.ring_size = 128
                pipeline.readers = 2
                pipeline.writers = 6
                pipeline.progress_interval = 500ms
                pipeline.max_actions_in_flight = 16
                pipeline.max_actions_waiting = 500
                log.level = debug
                restore_grace = 2h
                outage_patience = 5m
                archive.2.type = azure
                archive.2.container = data
                archive.2.prefix = fs1/
                archive.2.account_url = https://acct.blob.core.windows.net
                archive.2.account_key = %s
                archive.2.single_put_limit = 64KiB
                archive.2.max_concurrency = 3
                archive.2.release_after_archive = true
                archive.2.logging_container = logs
                archive.7.type = azure
                archive.7.container = other
                archive.7.account_url = https://acct.blob.core.windows.net
                archive.7.sas_token = %s
                archive.9.type = azure
                archive.9.container = third
                archive.9.connection_string = DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=%s;EndpointSuffix=core.windows.net
                """.formatted(ACCOUNT_KEY, SAS, ACCOUNT_KEY));

        assertEquals("/opt/azlhsm/native-shim/build/libhsmsim.so", config.lustreLibrary());
        assertEquals(4L << 20, config.chunkSize());
        assertEquals(128, config.ringSize());
        assertEquals(512L << 20, config.memoryBudget());
        assertEquals(2, config.readers());
        assertEquals(6, config.writers());
        assertEquals(Duration.ofMillis(500), config.progressInterval());
        assertEquals(16, config.maxActionsInFlight());
        assertEquals(500, config.maxActionsWaiting());
        assertEquals(Level.FINE, config.logLevel());
        assertEquals(Duration.ofHours(2), config.operations().restoreGrace());
        assertEquals(Duration.ofMinutes(5), config.operations().outagePatience());
        assertArrayEquals(new int[] {2, 7, 9}, config.archiveIds());

        ArchiveSettings two = config.archives().get(2);
        assertEquals(ArchiveType.AZURE, two.type());
        assertEquals(Optional.of("data"), two.container());
        assertEquals("fs1/", two.prefix());
        AzureCredentials.SharedKey shared = assertInstanceOf(AzureCredentials.SharedKey.class,
                two.credentials().orElseThrow());
        assertEquals("https://acct.blob.core.windows.net", shared.accountUrl());
        assertEquals(ACCOUNT_KEY, shared.accountKey().reveal());
        assertEquals(64L << 10, two.singlePutLimit());
        assertEquals(3, two.maxConcurrency());
        assertTrue(two.releaseAfterArchive());
        assertEquals(Optional.of("logs"), two.loggingContainer());

        AzureCredentials.SasToken sas = assertInstanceOf(AzureCredentials.SasToken.class,
                config.archives().get(7).credentials().orElseThrow());
        assertEquals(SAS, sas.sasToken().reveal());
        AzureCredentials.ConnectionString connection = assertInstanceOf(AzureCredentials.ConnectionString.class,
                config.archives().get(9).credentials().orElseThrow());
        assertTrue(connection.connectionString().reveal().contains(ACCOUNT_KEY));
    }

    @Test
    void secretsNeverAppearInSummaryOrToString() throws Exception {
        CopytoolConfig config = parse("""
                mount = /mnt/lustre
                archive.1.type = azure
                archive.1.container = ctr
                archive.1.connection_string = DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=%s;SharedAccessSignature=%s
                archive.2.type = azure
                archive.2.container = ctr
                archive.2.account_url = https://acct.blob.core.windows.net/?%s
                archive.2.account_key = %s
                archive.3.type = azure
                archive.3.container = ctr
                archive.3.account_url = https://acct.blob.core.windows.net
                archive.3.sas_token = %s
                """.formatted(ACCOUNT_KEY, SAS, SAS, ACCOUNT_KEY, SAS));

        for (String text : new String[] {config.summary(), config.toString(), config.archives().toString()}) {
            assertFalse(text.contains(ACCOUNT_KEY), text);
            assertFalse(text.contains("VERYSECRETSIG"), text);
            assertTrue(text.contains("AccountName=acct"), text);
            assertTrue(text.contains("AccountKey=****"), text);
        }
    }

    @Test
    void managedIdentityNeedsNoSecretSoAReadableFileIsAccepted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("copytool.properties");
        Files.writeString(file, """
                mount = /mnt/lustre
                archive.1.type = azure
                archive.1.container = data
                archive.1.account_url = https://acct.blob.core.windows.net
                archive.1.auth = managed-identity
                archive.2.type = azure
                archive.2.container = data
                archive.2.account_url = https://acct.blob.core.windows.net
                archive.2.auth = managed-identity
                archive.2.client_id = 6f1d4c1e-2a57-4a3b-9c55-0c9a3f0e7b21
                """);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CopytoolConfig config = CopytoolConfig.load(file);
        AzureCredentials.ManagedIdentity system = assertInstanceOf(AzureCredentials.ManagedIdentity.class,
                config.archives().get(1).credentials().orElseThrow());
        assertEquals("https://acct.blob.core.windows.net", system.accountUrl());
        assertEquals(Optional.empty(), system.clientId());
        AzureCredentials.ManagedIdentity user = assertInstanceOf(AzureCredentials.ManagedIdentity.class,
                config.archives().get(2).credentials().orElseThrow());
        assertEquals(Optional.of("6f1d4c1e-2a57-4a3b-9c55-0c9a3f0e7b21"), user.clientId());
        assertTrue(config.archives().get(2).toString().contains(
                "auth=managed-identity(https://acct.blob.core.windows.net client_id=6f1d4c1e"), config.toString());
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("copytool.properties");
        Files.writeString(file, MINIMAL + "pipeline.chunk_size = 1GiB\npipeline.ring_size = 4\n");
        CopytoolConfig config = CopytoolConfig.load(file);
        assertEquals(1L << 30, config.chunkSize());
        assertEquals(4L << 30, config.memoryBudget());
        assertTrue(config.summary().startsWith("mount=/mnt/lustre lustre.library=lustreapi chunk_size=1GiB"
                + " ring_size=4 (memory budget 4GiB)"), config.summary());

        Files.writeString(file, MINIMAL + "pipeline.readers = x\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CopytoolConfig.load(file));
        assertTrue(e.getMessage().startsWith(file + ": pipeline.readers: 'x'"), e.getMessage());
    }

    @Test
    void aKeySetTwiceIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("copytool.properties");
        Files.writeString(file, MINIMAL + "pipeline.readers = 2\npipeline.readers = 3\n");
        ConfigException e = assertThrows(ConfigException.class, () -> CopytoolConfig.load(file));
        assertEquals("pipeline.readers", e.key());
        assertTrue(e.getMessage().contains("set more than once"), e.getMessage());
    }

    @Test
    void theShippedExampleIsValid() throws Exception {
        Path example = Path.of(System.getProperty("azlhsm.native.dir"), "..", "..", "conf", "copytool.properties");
        String text = Files.readString(example);
        // the example ships with every line commented out: uncommenting the documented settings must validate
        StringBuilder uncommented = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") && line.contains(" = ") && !line.startsWith("# ")) {
                uncommented.append(line.substring(1)).append('\n');
            }
        }
        CopytoolConfig config = parse(uncommented.toString());
        assertEquals(CopytoolConfig.DEFAULT_CHUNK_SIZE, config.chunkSize());
        assertEquals(CopytoolConfig.DEFAULT_RING_SIZE, config.ringSize());
        assertEquals(CopytoolConfig.DEFAULT_PROGRESS_INTERVAL, config.progressInterval());
        assertEquals(ArchiveSettings.DEFAULT_SINGLE_PUT_LIMIT, config.archives().get(1).singlePutLimit());
        assertEquals(OperationsSettings.DEFAULT_SHUTDOWN_GRACE, config.operations().shutdownGrace());
        assertEquals(OperationsSettings.DEFAULT_RESTORE_GRACE, config.operations().restoreGrace());
        assertEquals(OperationsSettings.DEFAULT_OUTAGE_PATIENCE, config.operations().outagePatience());
        assertEquals(ImportSettings.defaults(), config.imports());
        assertEquals(TierPrices.DEFAULTS, config.tierPrices(), "the documented price table is the default one");
        assertEquals(PolicySettings.defaults(), config.policy(), "the release rule is off unless asked for");
    }

    @Test
    void restoringSetIdBitsOnImportIsAnExplicitChoice() throws Exception {
        assertEquals(false, parse(MINIMAL).imports().restoreSetid(), "off unless asked for");
        assertEquals(true, parse(MINIMAL + "import.restore_setid = true\n").imports().restoreSetid());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(MINIMAL + "import.restore_setid = yes\n"));
        assertEquals("import.restore_setid", e.key());
    }

    @Test
    void hydratorRootsAreDirectoriesUnderTheMountOfAnAzureArchive() throws Exception {
        String azure = """
                mount = /mnt/lustre
                archive.1.type = azure
                archive.1.container = ctr
                archive.1.connection_string = UseDevelopmentStorage=true
                """;
        assertEquals(java.util.List.of(), parse(azure).archives().get(1).hydratorRoots(), "none unless configured");
        ArchiveSettings archive = parse(azure + "archive.1.hydrator_roots = /mnt/lustre/projects/a, b/c ,/, "
                + "/mnt/lustre, b/c\n").archives().get(1);
        assertEquals(java.util.List.of("projects/a", "b/c", ""), archive.hydratorRoots(),
                "absolute under the mount or relative to it; / and the mount itself are the mount root");
        assertTrue(archive.toString().contains("hydrator_roots=projects/a,b/c,/"), archive.toString());
        for (String bad : new String[] {"/srv/elsewhere", "a/../b", "a,,b"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> parse(azure + "archive.1.hydrator_roots = " + bad + "\n"), bad);
            assertEquals("archive.1.hydrator_roots", e.key());
        }
        ConfigException posix = assertThrows(ConfigException.class,
                () -> parse(MINIMAL + "archive.1.hydrator_roots = a\n"));
        assertTrue(posix.getMessage().contains("applies only to type azure"), posix.getMessage());
    }

    @Test
    void namespaceIsFlatUnlessConfiguredAndItsKeysFitOnlyAHierarchicalOrAutoAzureArchive() throws Exception {
        String azure = """
                mount = /mnt/lustre
                archive.1.type = azure
                archive.1.container = ctr
                archive.1.connection_string = UseDevelopmentStorage=true
                """;
        assertEquals(io.azlhsm.copytool.archive.NamespaceSettings.FLAT, parse(azure).archives().get(1).namespace());
        ArchiveSettings hierarchical = parse(azure + "archive.1.namespace = hierarchical\n"
                + "archive.1.dfs_endpoint = http://127.0.0.1:1234/devstoreaccount1\n"
                + "archive.1.default_uid = 4242\narchive.1.default_gid = 99\n").archives().get(1);
        assertEquals(new io.azlhsm.copytool.archive.NamespaceSettings(
                io.azlhsm.copytool.archive.NamespaceSettings.Kind.HIERARCHICAL,
                "http://127.0.0.1:1234/devstoreaccount1", 4242, 99), hierarchical.namespace());
        assertTrue(hierarchical.toString().contains("namespace=hierarchical"), hierarchical.toString());
        assertEquals(io.azlhsm.copytool.archive.NamespaceSettings.Kind.AUTO,
                parse(azure + "archive.1.namespace = auto\n").archives().get(1).namespace().kind());
        String[][] bad = {
            {"archive.1.namespace = hns\n", "archive.1.namespace"},
            {"archive.1.dfs_endpoint = https://a.dfs.core.windows.net\n", "archive.1.dfs_endpoint"},
            {"archive.1.namespace = auto\narchive.1.dfs_endpoint = ftp://x\n", "archive.1.dfs_endpoint"},
            {"archive.1.namespace = auto\narchive.1.default_uid = -1\n", "archive.1.default_uid"},
            {"archive.1.namespace = auto\narchive.1.default_gid = x\n", "archive.1.default_gid"},
        };
        for (String[] keyAndProblem : bad) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(azure + keyAndProblem[0]),
                    keyAndProblem[0]);
            assertEquals(keyAndProblem[1], e.key(), e.getMessage());
        }
        ConfigException posix = assertThrows(ConfigException.class,
                () -> parse(MINIMAL + "archive.1.namespace = hierarchical\n"));
        assertTrue(posix.getMessage().contains("applies only to type azure"), posix.getMessage());
    }
}

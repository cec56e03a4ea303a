package io.azlhsm.copytool.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth = workload-identity}: tenant, client and token file from the archive's keys, else from the variables
 * the AKS webhook injects; the authority from AZURE_AUTHORITY_HOST, else the public cloud. Errors name the key.
 */
class WorkloadIdentityConfigTest {
    private static final String AZURE = """
            mount = /mnt/lustre
            archive.1.type = azure
            archive.1.container = data
            archive.1.account_url = https://acct.blob.core.windows.net
            archive.1.auth = workload-identity
            """;

    @TempDir
    Path dir;
    private Path tokenFile;
    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void projectToken() throws Exception {
        tokenFile = dir.resolve("azure-identity-token");
        Files.writeString(tokenFile, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
    }

    private CopytoolConfig parse(String text) throws Exception {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return CopytoolConfig.fromProperties(properties, "test.properties", environment::get);
    }

    private AzureCredentials.WorkloadIdentity workload(String text) throws Exception {
        return assertInstanceOf(AzureCredentials.WorkloadIdentity.class,
                parse(text).archives().get(1).credentials().orElseThrow());
    }

    private void assertError(String text, String key, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        assertEquals(key, e.key(), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void keysNameTheIdentityAndThePublicCloudIsTheDefaultAuthority() throws Exception {
        AzureCredentials.WorkloadIdentity identity = workload(AZURE + "archive.1.tenant_id = t1\n"
                + "archive.1.client_id = c1\narchive.1.federated_token_file = " + tokenFile + "\n");
        assertEquals("https://acct.blob.core.windows.net", identity.accountUrl());
        assertEquals("t1", identity.tenantId());
        assertEquals("c1", identity.clientId());
        assertEquals(tokenFile, identity.tokenFile());
        assertEquals("https://login.microsoftonline.com/", identity.authorityHost());
        assertEquals("workload-identity(https://acct.blob.core.windows.net tenant_id=t1 client_id=c1)",
                identity.toString());
    }

    @Test
    void theWebhooksVariablesAreTheDefaultsAndKeysWinOverThem() throws Exception {
        environment.putAll(Map.of("AZURE_TENANT_ID", "env-tenant", "AZURE_CLIENT_ID", "env-client",
                "AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString(),
                "AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/"));
        AzureCredentials.WorkloadIdentity fromEnvironment = workload(AZURE);
        assertEquals("env-tenant", fromEnvironment.tenantId());
        assertEquals("env-client", fromEnvironment.clientId());
        assertEquals(tokenFile, fromEnvironment.tokenFile());
        assertEquals("https://login.microsoftonline.us/", fromEnvironment.authorityHost());

        AzureCredentials.WorkloadIdentity keyed = workload(AZURE + "archive.1.client_id = c1\n");
        assertEquals("c1", keyed.clientId());
        assertEquals("env-tenant", keyed.tenantId());
    }

    @Test
    void aMissingSettingNamesTheKeyAndTheVariable() throws Exception {
        String file = "archive.1.federated_token_file = " + tokenFile + "\n";
        assertError(AZURE + "archive.1.client_id = c\n" + file, "archive.1.tenant_id", "AZURE_TENANT_ID",
                "is required with workload-identity");
        assertError(AZURE + "archive.1.tenant_id = t\n" + file, "archive.1.client_id", "AZURE_CLIENT_ID");
        assertError(AZURE + "archive.1.tenant_id = t\narchive.1.client_id = c\n", "archive.1.federated_token_file",
                "AZURE_FEDERATED_TOKEN_FILE");
        environment.put("AZURE_TENANT_ID", "   ");
        assertError(AZURE + "archive.1.client_id = c\n" + file, "archive.1.tenant_id", "AZURE_TENANT_ID");
        assertError(AZURE + "archive.1.tenant_id =\narchive.1.client_id = c\n" + file, "archive.1.tenant_id",
                "is empty");
    }

    @Test
    void theTokenFileMustBeAnAbsoluteReadableFileAndTheAuthorityHttps() throws Exception {
        String ids = "archive.1.tenant_id = t\narchive.1.client_id = c\n";
        assertError(AZURE + ids + "archive.1.federated_token_file = token\n", "archive.1.federated_token_file",
                "not an absolute path");
        assertError(AZURE + ids + "archive.1.federated_token_file = " + dir.resolve("absent") + "\n",
                "archive.1.federated_token_file", dir.resolve("absent") + " is not a readable file");
        assertError(AZURE + ids + "archive.1.federated_token_file = " + dir + "\n",
                "archive.1.federated_token_file", "is not a readable file");
        environment.put("AZURE_AUTHORITY_HOST", "http://127.0.0.1:1/");
        assertError(AZURE + ids + "archive.1.federated_token_file = " + tokenFile + "\n", "archive.1.auth",
                "AZURE_AUTHORITY_HOST must be an https:// URL");
    }

    @Test
    void workloadKeysBelongToWorkloadIdentityOnly() {
        String azure = "mount = /m\narchive.1.type = azure\narchive.1.container = ctr\n"
                + "archive.1.account_url = https://a.blob.core.windows.net\n";
        assertError(azure + "archive.1.auth = managed-identity\narchive.1.tenant_id = t\n", "archive.1.tenant_id",
                "applies only to archive.1.auth = workload-identity");
        assertError(azure + "archive.1.auth = managed-identity\narchive.1.federated_token_file = /f\n",
                "archive.1.federated_token_file", "applies only to archive.1.auth = workload-identity");
        assertError(azure + "archive.1.account_key = k\narchive.1.tenant_id = t\n", "archive.1.tenant_id",
                "needs archive.1.auth = managed-identity or workload-identity");
        assertError(azure + "archive.1.auth = workload-identity\narchive.1.sas_token = s\n", "archive.1.sas_token",
                "cannot be combined with archive.1.auth = workload-identity");
        assertError("mount = /m\narchive.1.type = posix\narchive.1.root = /r\narchive.1.tenant_id = t\n",
                "archive.1.tenant_id", "applies only to type azure");
        assertError(azure + "archive.1.auth = workload_identity\n", "archive.1.auth",
                "use managed-identity or workload-identity");
    }
}

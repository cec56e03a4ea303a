package io.azlhsm.copytool.config;

import static io.azlhsm.copytool.config.CopytoolConfigTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Azure's naming rules, checked when the configuration is read: a container, prefix or account URL the service would
 * refuse stops the agent (and every job command) at start with the key and the rule it breaks.
 */
class AzureNamesConfigTest {
    private static final String AZURE = "mount = /mnt/lustre\narchive.1.type = azure\n"
            + "archive.1.connection_string = AccountName=acct;AccountKey=SECRETVALUE\n";
    private static final String CONTAINER = "archive.1.container = data\n";

    private static void assertRefused(String text, String key, String... fragments) {
        ConfigException e = failure(text);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith("test.properties: " + key + ": "), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
        assertTrue(!e.getMessage().contains("SECRETVALUE"), e.getMessage());
    }

    private static CopytoolConfig accepted(String text) throws Exception {
        Properties properties = new Properties();
        properties.load(new java.io.StringReader(text));
        return CopytoolConfig.fromProperties(properties, "test.properties", name -> null);
    }

    @Test
    void containerNamesHaveThreeToSixtyThreeCharacters() throws Exception {
        assertRefused(AZURE + "archive.1.container = c1\n", "archive.1.container", "'c1'", "2 characters",
                "3 to 63");
        assertRefused(AZURE + "archive.1.container = " + "a".repeat(64) + "\n", "archive.1.container",
                "64 characters");
        assertEquals(Optional.of("abc"), accepted(AZURE + "archive.1.container = abc\n").archives().get(1)
                .container());
        String longest = "a".repeat(63);
        assertEquals(Optional.of(longest), accepted(AZURE + "archive.1.container = " + longest + "\n").archives()
                .get(1).container());
    }

    @Test
    void containerNamesAreLowercaseLettersDigitsAndDashes() throws Exception {
        assertRefused(AZURE + "archive.1.container = Data\n", "archive.1.container", "'D' at offset 0",
                "lowercase letters, digits and '-'");
        assertRefused(AZURE + "archive.1.container = my_data\n", "archive.1.container", "'_' at offset 2");
        assertRefused(AZURE + "archive.1.container = my.data\n", "archive.1.container", "'.' at offset 2");
        assertEquals(Optional.of("fs-1-archive"), accepted(AZURE + "archive.1.container = fs-1-archive\n")
                .archives().get(1).container());
    }

    @Test
    void containerNamesStartAndEndAlphanumericWithoutDoubleDashes() {
        assertRefused(AZURE + "archive.1.container = -data\n", "archive.1.container", "start and end");
        assertRefused(AZURE + "archive.1.container = data-\n", "archive.1.container", "start and end");
        assertRefused(AZURE + "archive.1.container = my--data\n", "archive.1.container", "'--'");
    }

    @Test
    void loggingContainerFollowsTheSameRules() {
        assertRefused(AZURE + CONTAINER + "archive.1.logging_container = L\n", "archive.1.logging_container",
                "is not a container name");
    }

    @Test
    void prefixesAreBlobNames() throws Exception {
        assertRefused(AZURE + CONTAINER + "archive.1.prefix = /lustre\n", "archive.1.prefix",
                "not a blob name prefix", "empty path segment");
        assertRefused(AZURE + CONTAINER + "archive.1.prefix = lustre//fs1\n", "archive.1.prefix",
                "empty path segment");
        assertRefused(AZURE + CONTAINER + "archive.1.prefix = lustre/../fs1\n", "archive.1.prefix",
                "'..' path segments");
        assertRefused(AZURE + CONTAINER + "archive.1.prefix = lustre./fs1\n", "archive.1.prefix",
                "ends with a dot");
        assertRefused(AZURE + CONTAINER + "archive.1.prefix = lustre\\\\fs1\n", "archive.1.prefix", "backslash");
        assertRefused(AZURE + CONTAINER + "archive.1.prefix = " + "p".repeat(1100) + "\n", "archive.1.prefix",
                "at most 1024");
        assertEquals("lustre/fs1/", accepted(AZURE + CONTAINER + "archive.1.prefix = lustre/fs1/\n").archives()
                .get(1).prefix());
    }

    @Test
    void accountUrlsAreHttpEndpointsWithAHostAndNothingElse() throws Exception {
        String key = "archive.1.account_key = SECRETVALUE\n";
        String base = "mount = /mnt/lustre\narchive.1.type = azure\n" + CONTAINER + key;
        assertRefused(base + "archive.1.account_url = https://\n", "archive.1.account_url", "not a URL");
        assertRefused(base + "archive.1.account_url = https:///devstoreaccount1\n", "archive.1.account_url", "host");
        assertRefused(base + "archive.1.account_url = https://me:pw@acct.blob.core.windows.net\n",
                "archive.1.account_url", "user name");
        assertRefused(base + "archive.1.account_url = https://acct.blob.core.windows.net#x\n",
                "archive.1.account_url", "fragment");
        assertRefused(base + "archive.1.account_url = https://acct blob\n", "archive.1.account_url", "not a URL");
        assertRefused(base + "archive.1.account_url = acct.blob.core.windows.net\n", "archive.1.account_url",
                "http:// or https://");
        assertEquals("http://127.0.0.1:10000/devstoreaccount1", ((AzureCredentials.SharedKey) accepted(base
                + "archive.1.account_url = http://127.0.0.1:10000/devstoreaccount1\n").archives().get(1)
                .credentials().orElseThrow()).accountUrl());
        String identity = "mount = /mnt/lustre\narchive.1.type = azure\n" + CONTAINER
                + "archive.1.auth = managed-identity\n";
        assertRefused(identity + "archive.1.account_url = https:///devstoreaccount1\n", "archive.1.account_url",
                "host");
    }

    @Test
    void sizesStayWithinWhatAzureAccepts() throws Exception {
        assertRefused(AZURE + CONTAINER + "archive.1.single_put_limit = 5001MiB\n", "archive.1.single_put_limit",
                "'5001MiB'", "largest single upload");
        assertRefused(AZURE + CONTAINER + "archive.1.block_size = 4001MiB\n", "archive.1.block_size",
                "'4001MiB'", "largest block");
        CopytoolConfig largest = accepted(AZURE + CONTAINER + "archive.1.single_put_limit = 5000MiB\n"
                + "archive.1.block_size = 4000MiB\n");
        assertEquals(5000L << 20, largest.archives().get(1).singlePutLimit());
        assertEquals(4000L << 20, largest.archives().get(1).blockSize());
    }
}

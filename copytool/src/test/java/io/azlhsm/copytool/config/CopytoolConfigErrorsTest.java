package io.azlhsm.copytool.config;

import static io.azlhsm.copytool.config.CopytoolConfigTest.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every way a config can be wrong: the message names the key and the reason, and never a secret. */
class CopytoolConfigErrorsTest {
    private static final String POSIX = "archive.1.type = posix\narchive.1.root = /srv/archive\n";
    private static final String BASE = "mount = /mnt/lustre\n" + POSIX;

    private static void assertError(String text, String key, String... fragments) {
        ConfigException e = failure(text);
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith("test.properties: " + key + ": "), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void unknownKeysSuggestTheNearestKnownOne() {
        assertError(BASE + "pipeline.chunksize = 4MiB\n", "pipeline.chunksize", "unknown key",
                "did you mean 'pipeline.chunk_size'?");
        assertError(BASE + "mout = /x\n", "mout", "did you mean 'mount'?");
        assertError(BASE + "archive.1.containr = x\n", "archive.1.containr", "did you mean 'archive.1.container'?");
        assertError(BASE + "log.levle = INFO\n", "log.levle", "did you mean 'log.level'?");
        ConfigException far = failure(BASE + "completely.unrelated.setting = 1\n");
        assertFalse(far.getMessage().contains("did you mean"), far.getMessage());
        assertError(BASE + "archive_ids = 1,2\n", "archive_ids", "archive.<id>.* keys");
    }

    @Test
    void mountIsRequiredAndAbsolute() {
        assertError(POSIX, "mount", "is required");
        assertError("mount =\n" + POSIX, "mount", "is empty");
        assertError("mount = mnt/lustre\n" + POSIX, "mount", "'mnt/lustre'", "absolute");
    }

    @Test
    void libraryPathMustBeAbsolute() {
        assertError(BASE + "lustre.library = build/libhsmsim.so\n", "lustre.library", "'build/libhsmsim.so'");
        assertError(BASE + "lustre.library =\n", "lustre.library", "is empty");
    }

    @Test
    void badSizesNameKeyValueAndUnit() {
        assertError(BASE + "pipeline.chunk_size = 4MB\n", "pipeline.chunk_size", "'4MB'", "did you mean MiB?");
        assertError(BASE + "pipeline.chunk_size = lots\n", "pipeline.chunk_size", "'lots'", "not a size");
        assertError(BASE + "pipeline.chunk_size = 0\n", "pipeline.chunk_size", "greater than 0");
        assertError(BASE + "pipeline.chunk_size = 2GiB\n", "pipeline.chunk_size", "below 2GiB");
        assertError(BASE + "pipeline.chunk_size = 99999999999999999999\n", "pipeline.chunk_size", "too large");
        assertError(BASE + "pipeline.chunk_size = 9999999999TiB\n", "pipeline.chunk_size", "too large");
        assertError(BASE + "archive.1.single_put_limit = -1\n", "archive.1.single_put_limit", "'-1'");
    }

    @Test
    void badNumbersNameKeyAndValue() {
        assertError(BASE + "pipeline.ring_size = 100\n", "pipeline.ring_size", "'100'", "power of two");
        assertError(BASE + "pipeline.ring_size = many\n", "pipeline.ring_size", "'many'", "whole number");
        assertError(BASE + "pipeline.readers = 0\n", "pipeline.readers", "'0'", "at least 1");
        assertError(BASE + "pipeline.writers = -3\n", "pipeline.writers", "'-3'");
        assertError(BASE + "pipeline.max_actions_in_flight = 1.5\n", "pipeline.max_actions_in_flight", "'1.5'");
        assertError(BASE + "archive.1.max_concurrency = 0\n", "archive.1.max_concurrency", "'0'");
    }

    @Test
    void badDurationsNameKeyAndValue() {
        assertError(BASE + "pipeline.progress_interval = 10\n", "pipeline.progress_interval", "'10'", "unit");
        assertError(BASE + "pipeline.progress_interval = 10d\n", "pipeline.progress_interval", "'10d'",
                "unknown duration unit 'd'");
        assertError(BASE + "pipeline.progress_interval = 0s\n", "pipeline.progress_interval", "longer than 0");
        assertError(BASE + "restore_grace = 30\n", "restore_grace", "'30'", "unit");
        assertError(BASE + "outage_patience = 0s\n", "outage_patience", "longer than 0");
    }

    @Test
    void badLogLevelAndBoolean() {
        assertError(BASE + "log.level = LOUD\n", "log.level", "'LOUD'", "not a log level");
        assertError(BASE + "archive.1.release_after_archive = yes\n", "archive.1.release_after_archive", "'yes'",
                "true or false");
    }

    @Test
    void archivesAreRequiredWithValidIdsAndTypes() {
        assertError("mount = /mnt/lustre\n", "archive.<id>.type", "no archive is configured");
        assertError(BASE + "archive.x.type = posix\n", "archive.x.type", "archive id 'x'");
        assertError(BASE + "archive.0.type = posix\n", "archive.0.type", "0 means");
        assertError(BASE + "archive.01.type = posix\n", "archive.01.type", "archive id '01'");
        assertError(BASE + "archive.2.root = /x\n", "archive.2.type", "is required");
        assertError(BASE + "archive.2.type = s3\n", "archive.2.type", "'s3'", "azure or posix");
    }

    @Test
    void posixArchivesNeedAnAbsoluteRootAndNoAzureKeys() {
        assertError("mount = /m\narchive.1.type = posix\n", "archive.1.root", "is required");
        assertError("mount = /m\narchive.1.type = posix\narchive.1.root = rel\n", "archive.1.root", "absolute");
        assertError(BASE + "archive.1.container = ctr\n", "archive.1.container", "applies only to type azure");
        assertError(BASE + "archive.1.account_key = SECRETVALUE\n", "archive.1.account_key", "only to type azure");
    }

    @Test
    void azureArchivesNeedContainerAndExactlyOneCredentialForm() {
        String azure = "mount = /m\narchive.1.type = azure\n";
        String url = "archive.1.account_url = https://a.blob.core.windows.net\n";
        assertError(azure + "archive.1.connection_string = x\n", "archive.1.container", "is required");
        azure += "archive.1.container = ctr\n";
        assertError(azure, "archive.1.connection_string", "account_url", "account_key", "sas_token");
        assertError(azure + url, "archive.1.account_url", "needs archive.1.account_key or archive.1.sas_token");
        assertError(azure + url + "archive.1.account_key = SECRETVALUE\narchive.1.sas_token = SECRETVALUE\n",
                "archive.1.sas_token", "cannot be combined");
        assertError(azure + url + "archive.1.connection_string = SECRETVALUE\n", "archive.1.account_url",
                "cannot be combined");
        assertError(azure + "archive.1.account_url = ftp://a?sig=SECRETVALUE\narchive.1.account_key = k\n",
                "archive.1.account_url", "'ftp://a?****'", "http");
        assertError(azure + "archive.1.root = /x\narchive.1.connection_string = c\n", "archive.1.root",
                "applies only to type posix");
        assertError(azure + "archive.1.sas_token =\n" + url, "archive.1.sas_token", "is empty");
    }

    @Test
    void managedIdentityNeedsAnHttpsAccountUrlAndNoSecret() {
        String azure = "mount = /m\narchive.1.type = azure\narchive.1.container = ctr\n";
        String identity = "archive.1.auth = managed-identity\n";
        String url = "archive.1.account_url = https://a.blob.core.windows.net\n";
        assertError(azure + identity, "archive.1.account_url", "is required");
        assertError(azure + identity + "archive.1.account_url = http://127.0.0.1:10000/a\n", "archive.1.account_url",
                "must be an https:// URL");
        assertError(azure + identity + "archive.1.account_url = https://a?sig=SECRETVALUE\n", "archive.1.account_url",
                "'https://a?****'", "query string");
        assertError(azure + identity + url + "archive.1.account_key = SECRETVALUE\n", "archive.1.account_key",
                "cannot be combined with archive.1.auth = managed-identity");
        assertError(azure + identity + "archive.1.connection_string = SECRETVALUE\n", "archive.1.connection_string",
                "cannot be combined");
        assertError(azure + url + "archive.1.auth = managed_identity\n", "archive.1.auth", "'managed_identity'",
                "use managed-identity");
        assertError(azure + url + "archive.1.account_key = k\narchive.1.client_id = 1234\n", "archive.1.client_id",
                "needs archive.1.auth = managed-identity");
        assertError(azure + url, "archive.1.account_url", "or archive.1.auth = managed-identity");
        assertError(BASE + "archive.1.auth = managed-identity\n", "archive.1.auth", "applies only to type azure");
        assertError(BASE + "archive.1.client_id = 1234\n", "archive.1.client_id", "applies only to type azure");
    }

    @Test
    void secretValuesAreNeverEchoed() {
        for (String text : new String[] {
                BASE + "archive.1.account_key = SECRETVALUE\n",
                "mount = /m\narchive.1.type = azure\narchive.1.container = ctr\n"
                        + "archive.1.account_url = https://a\narchive.1.account_key = SECRETVALUE\n"
                        + "archive.1.sas_token = SECRETVALUE\n",
                "mount = /m\narchive.1.type = azure\narchive.1.container = ctr\n"
                        + "archive.1.connection_string = AccountKey=SECRETVALUE\narchive.1.sas_token = SECRETVALUE\n",
                "mount = /m\narchive.1.type = azure\narchive.1.connection_string = AccountKey=SECRETVALUE\n"}) {
            ConfigException e = failure(text);
            assertFalse(e.getMessage().contains("SECRETVALUE"), e.getMessage());
        }
    }

    @Test
    void metricsMayListenOnAnyAddressButNeedHostAndPort() throws Exception {
        CopytoolConfig everywhere = CopytoolConfigTest.parse(BASE + "metrics.listen = 0.0.0.0:9464\n");
        assertEquals(9464, everywhere.operations().metricsListen().orElseThrow().getPort());
        assertTrue(everywhere.operations().metricsListen().orElseThrow().getAddress().isAnyLocalAddress());
        assertError(BASE + "metrics.listen = 9464\n", "metrics.listen", "'9464'", "host:port");
        assertError(BASE + "metrics.listen = 127.0.0.1:http\n", "metrics.listen", "no valid port");
    }
}

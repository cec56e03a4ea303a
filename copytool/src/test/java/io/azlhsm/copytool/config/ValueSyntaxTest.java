package io.azlhsm.copytool.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Sizes, durations, secrets and the typo finder on their own. */
class ValueSyntaxTest {
    @Test
    void sizes() {
        assertEquals(4L << 20, ByteSize.parse("4MiB"));
        assertEquals(64L << 10, ByteSize.parse("64KiB"));
        assertEquals(1L << 30, ByteSize.parse("1GiB"));
        assertEquals(2L << 40, ByteSize.parse("2tib"));
        assertEquals(4096, ByteSize.parse("4096"));
        assertEquals(4096, ByteSize.parse(" 4 KiB "));
        assertEquals(12, ByteSize.parse("12B"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("1.5MiB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("MiB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("8 M"));
        assertEquals("8MiB", ByteSize.format(8L << 20));
        assertEquals("1536KiB", ByteSize.format(1536L << 10));
        assertEquals("1000", ByteSize.format(1000));
        assertEquals("0", ByteSize.format(0));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(30), DurationText.parse("30s"));
        assertEquals(Duration.ofMinutes(5), DurationText.parse("5m"));
        assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
        assertEquals(Duration.ofHours(2), DurationText.parse("2h"));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("30"));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("s"));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("1.5s"));
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse("30S"));
        assertEquals("10s", DurationText.format(Duration.ofSeconds(10)));
        assertEquals("500ms", DurationText.format(Duration.ofMillis(500)));
        assertEquals("5m", DurationText.format(Duration.ofMinutes(5)));
        assertEquals("1h", DurationText.format(Duration.ofMinutes(60)));
    }

    @Test
    void secretsAreRedacted() {
        Secret secret = new Secret("hunter2");
        assertEquals("****", secret.toString());
        assertEquals("****", String.valueOf(secret));
        assertEquals("hunter2", secret.reveal());
        AzureCredentials.ConnectionString connection = new AzureCredentials.ConnectionString(new Secret(
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02x==;"
                        + "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;sharedaccesssignature=sv=1&sig=x"));
        assertEquals("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=****;"
                + "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;sharedaccesssignature=****",
                connection.redacted());
        assertFalse(connection.toString().contains("Eby8"));
        assertFalse(new AzureCredentials.SharedKey("https://a", new Secret("k3y")).toString().contains("k3y"));
        assertFalse(new AzureCredentials.SasToken("https://a", new Secret("s4s")).toString().contains("s4s"));
    }

    @Test
    void editDistanceAndSuggestions() {
        assertEquals(0, KeyCatalog.editDistance("mount", "mount"));
        assertEquals(1, KeyCatalog.editDistance("mout", "mount"));
        assertEquals(2, KeyCatalog.editDistance("log.levle", "log.level"));
        assertEquals("archive.12.sas_token", KeyCatalog.suggestion("archive.12.sas_tokn").orElseThrow());
        assertTrue(KeyCatalog.suggestion("zzzzzzzzzzzzzzzzzzzzzzzz").isEmpty());
    }
}

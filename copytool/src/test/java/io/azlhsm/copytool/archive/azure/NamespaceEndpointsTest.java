package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.NamespaceSettings;
import org.junit.jupiter.api.Test;

/** The Data Lake endpoint of a hierarchical account, and how a path's owner and group become ids. */
class NamespaceEndpointsTest {
    private static BackendSettings settings(String dfsEndpoint) {
        return BackendSettings.builder(3, BackendSettings.BackendType.AZURE).container("c")
                .namespace(new NamespaceSettings(NamespaceSettings.Kind.HIERARCHICAL, dfsEndpoint, 7, 8)).build();
    }

    @Test
    void theDfsEndpointIsTheBlobEndpointWithDfsForBlobUnlessConfigured() {
        assertEquals("https://acct.dfs.core.windows.net", DataLakeClients.dfsEndpoint(settings(null),
                "https://acct.blob.core.windows.net"));
        assertEquals("https://acct.dfs.core.usgovcloudapi.net:8443/", DataLakeClients.dfsEndpoint(settings(null),
                "https://acct.blob.core.usgovcloudapi.net:8443/"));
        assertEquals("http://127.0.0.1:9/devstoreaccount1", DataLakeClients.dfsEndpoint(
                settings("http://127.0.0.1:9/devstoreaccount1"), "http://127.0.0.1:10000/devstoreaccount1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataLakeClients.dfsEndpoint(settings(null), "http://127.0.0.1:10000/devstoreaccount1"));
        assertTrue(e.getMessage().contains("archive.3.dfs_endpoint"), e.getMessage());
    }

    @Test
    void numericOwnersAreTheirIdsAndOthersTheDefaults() {
        PathOwners owners = new PathOwners(3, 7, 8);
        assertEquals(1000, owners.uid("1000"));
        assertEquals(0, owners.gid("0"));
        assertEquals(7, owners.uid("8d7a5c1e-0f6b-4a51-9d3e-2c4b1a000001"));
        assertEquals(7, owners.uid("$superuser"));
        assertEquals(8, owners.gid("$superuser"));
        assertEquals(7, owners.uid("99999999999"), "beyond an int is not a uid Lustre can hold");
        assertEquals(7, owners.uid(null));
    }
}

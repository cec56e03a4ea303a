package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Retries are reported under the request kinds the blob request metrics use, read from the REST call. */
class RetryCountingPolicyTest {
    private static final String BLOB = "https://acct.blob.core.windows.net/c/dir/file.dat";

    private static String kind(HttpMethod method, String url) {
        return RetryCountingPolicy.kind(new HttpRequest(method, url));
    }

    @Test
    void requestKindsFollowTheBlobRequestMetrics() {
        assertEquals("put_blob", kind(HttpMethod.PUT, BLOB));
        assertEquals("put_block", kind(HttpMethod.PUT, BLOB + "?comp=block&blockid=AAAA"));
        assertEquals("put_block_list", kind(HttpMethod.PUT, BLOB + "?comp=blocklist"));
        assertEquals("get_blob_range", kind(HttpMethod.GET, BLOB));
        assertEquals("get_properties", kind(HttpMethod.HEAD, BLOB));
        assertEquals("delete_blob", kind(HttpMethod.DELETE, BLOB));
        assertEquals("list_blobs", kind(HttpMethod.GET,
                "https://acct.blob.core.windows.net/c?restype=container&comp=list&prefix=dir%2F"));
        assertEquals("container", kind(HttpMethod.PUT, "https://acct.blob.core.windows.net/c?restype=container"));
    }
}

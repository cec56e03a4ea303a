package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.models.BlobErrorCode;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.RandomTokens;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockIdsAndErrorsTest {

    @Test
    void blockIdsAreBase64OfOneLengthUniquePerUploadAndIndex() {
        BlockIds first = new BlockIds(RandomTokens.next());
        BlockIds second = new BlockIds(RandomTokens.next());
        Set<String> seen = new HashSet<>();
        for (int index : new int[] {0, 1, 9, 10, 99_999, 49_999}) {
            for (BlockIds ids : List.of(first, second)) {
                String id = ids.id(index);
                assertEquals(32, id.length(), "every id of every upload has one length");
                assertTrue(Base64.getDecoder().decode(id).length <= 64);
                assertTrue(seen.add(id), "duplicate id " + id);
            }
        }
        assertEquals(List.of(first.id(0), first.id(1), first.id(2)), first.firstN(3));
        assertNotEquals(first.id(0), second.id(0));
    }

    @Test
    void serviceAnswersMapToKinds() {
        assertEquals(Kind.CORRUPT, AzureErrors.kind(400, BlobErrorCode.MD5MISMATCH));
        // an Archive-tier blob is offline, not replaced: a 409 of its own, apart from conflicts
        assertEquals(Kind.OFFLINE, AzureErrors.kind(409, BlobErrorCode.BLOB_ARCHIVED));
        assertEquals(Kind.OFFLINE, AzureErrors.kind(409, BlobErrorCode.BLOB_BEING_REHYDRATED));
        assertEquals(Kind.PRECONDITION, AzureErrors.kind(409, BlobErrorCode.BLOB_ALREADY_EXISTS));
        assertEquals(Kind.CORRUPT, AzureErrors.kind(400, BlobErrorCode.INVALID_MD5));
        assertEquals(Kind.CORRUPT, AzureErrors.kind(416, BlobErrorCode.INVALID_RANGE));
        assertEquals(Kind.PRECONDITION, AzureErrors.kind(400, BlobErrorCode.INVALID_BLOCK_LIST));
        assertEquals(Kind.PRECONDITION, AzureErrors.kind(412, BlobErrorCode.CONDITION_NOT_MET));
        assertEquals(Kind.PRECONDITION, AzureErrors.kind(409, BlobErrorCode.BLOB_ALREADY_EXISTS));
        assertEquals(Kind.PERMISSION, AzureErrors.kind(403, BlobErrorCode.AUTHENTICATION_FAILED));
        assertEquals(Kind.PERMISSION, AzureErrors.kind(401, null));
        assertEquals(Kind.NOT_FOUND, AzureErrors.kind(404, BlobErrorCode.CONTAINER_NOT_FOUND));
        assertEquals(Kind.TOO_LARGE, AzureErrors.kind(413, BlobErrorCode.REQUEST_BODY_TOO_LARGE));
        assertEquals(Kind.TRANSIENT, AzureErrors.kind(503, BlobErrorCode.SERVER_BUSY));
        assertEquals(Kind.TRANSIENT, AzureErrors.kind(500, BlobErrorCode.INTERNAL_ERROR));
        assertEquals(Kind.TRANSIENT, AzureErrors.kind(408, null));
        assertEquals(Kind.INVALID, AzureErrors.kind(400, BlobErrorCode.INVALID_HEADER_VALUE));
    }

    @Test
    void transportFailuresAreTransientAndTimeoutsSaySo() {
        ArchiveException reset = AzureErrors.map("b", "Put Block 3",
                new RuntimeException(new IOException("Connection reset by peer")));
        assertEquals(Kind.TRANSIENT, reset.kind());
        assertEquals(ArchiveException.Errno.EAGAIN, reset.errno());
        ArchiveException timeout = AzureErrors.map("b", "Get Blob", new RuntimeException(new SocketTimeoutException()));
        assertEquals(Kind.TRANSIENT, timeout.kind());
        assertEquals(ArchiveException.Errno.ETIMEDOUT, timeout.errno());
        assertTrue(timeout.getMessage().contains("'b'") && timeout.getMessage().contains("Get Blob"));
    }

    @Test
    void etagsAreAlwaysQuoted() {
        assertEquals("\"0x8D\"", AzureBlobBackend.etag("0x8D"));
        assertEquals("\"0x8D\"", AzureBlobBackend.etag("\"0x8D\""));
    }
}

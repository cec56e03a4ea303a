package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.models.BlobErrorCode;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.UploadKey;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlockIdsAndErrorsTest {

    @Test
    void blockIdsAreDeterministicForFileVersionBlockSizeIndexAndBytes() {
        UploadKey key = new UploadKey("[0x200000401:0x1:0x0]", 0xfffffffffffffff0L);
        byte[] md5 = new byte[16];
        byte[] otherMd5 = new byte[16];
        otherMd5[15] = 1;
        String id = BlockIds.of(key, 4 << 20).id(7, md5);
        assertEquals(id, BlockIds.of(new UploadKey("[0x200000401:0x1:0x0]", 0xfffffffffffffff0L), 4 << 20)
                .id(7, md5), "a later attempt at the same file version computes the same id");
        Set<String> seen = new HashSet<>(List.of(id));
        assertTrue(seen.add(BlockIds.of(new UploadKey("[0x200000401:0x2:0x0]", key.dataVersion()), 4 << 20)
                .id(7, md5)), "another file");
        assertTrue(seen.add(BlockIds.of(new UploadKey(key.fid(), key.dataVersion() + 1), 4 << 20).id(7, md5)),
                "another data version");
        assertTrue(seen.add(BlockIds.of(key, 8 << 20).id(7, md5)), "another block size");
        assertTrue(seen.add(BlockIds.of(key, 4 << 20).id(8, md5)), "another index");
        assertTrue(seen.add(BlockIds.of(key, 4 << 20).id(7, otherMd5)), "other bytes: a stale block is never reused");
        assertTrue(seen.add(BlockIds.unique().id(7, md5)));
        assertTrue(seen.add(BlockIds.unique().id(7, md5)), "an upload without a key shares no id with another");
        for (String each : seen) {
            // every id of every upload has the length of the random-token ids of earlier versions: the service wants
            // one length for all the blocks of a blob, uncommitted ones included
            assertEquals(32, each.length(), each);
            assertTrue(Base64.getDecoder().decode(each).length <= 64);
        }
        assertTrue(new String(Base64.getDecoder().decode(BlockIds.of(key, 4 << 20).id(49_999, md5)),
                java.nio.charset.StandardCharsets.US_ASCII).endsWith("-049999"));
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

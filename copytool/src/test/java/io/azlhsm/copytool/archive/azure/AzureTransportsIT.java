package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendSecret;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.BackendSettings.BackendType;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ContentMd5;
import io.azlhsm.copytool.archive.GeneratedData;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.testcluster.harness.AzuriteExtension;
import io.azlhsm.testcluster.harness.AzuriteServer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * Whole small objects and every download go through the small-request transport (OkHttp in production), blocks and
 * requests without data through the other (the JDK client), and both sizes still round-trip with their checks: the
 * service's Content-MD5, If-None-Match on a write, If-Match on a read.
 */
@ExtendWith(AzuriteExtension.class)
class AzureTransportsIT {
    private static final int MIB = 1 << 20;

    /** The request kinds (as the blob metrics name them) that went through one client. */
    private static final class Recording implements HttpClient {
        private final HttpClient delegate;
        final List<String> kinds = new CopyOnWriteArrayList<>();

        Recording(HttpClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public Mono<HttpResponse> send(HttpRequest request) {
            return send(request, Context.NONE);
        }

        @Override
        public Mono<HttpResponse> send(HttpRequest request, Context context) {
            kinds.add(RetryCountingPolicy.kind(request));
            return delegate.send(request, context);
        }

        @Override
        public HttpResponse sendSync(HttpRequest request, Context context) {
            kinds.add(RetryCountingPolicy.kind(request));
            return delegate.sendSync(request, context);
        }
    }

    @Test
    void theProductionPairIsOkHttpForSmallObjectsAndTheJdkClientForTheRest() {
        AzureTransports production = AzureHttpClients.create(4);
        AzureHttpClients.OnFirstRequest small = (AzureHttpClients.OnFirstRequest) production.small();
        assertNull(small.built(), "OkHttp is built on the first small request, not before");
        assertEquals("JdkHttpClient", production.large().getClass().getSimpleName());
        assertEquals(AzureTransports.SMALL_BODY_LIMIT, production.smallBodyLimit());
        assertTrue(production.isSmall(MIB) && !production.isSmall(MIB + 1L));
    }

    /** OkHttp is built by the first small request, which it then carries; large requests never build it. */
    @Test
    void theProductionSmallClientIsBuiltByItsFirstRequest(AzuriteServer azurite) throws Exception {
        AzureTransports production = AzureHttpClients.create(4);
        AzureHttpClients.OnFirstRequest small = (AzureHttpClients.OnFirstRequest) production.small();
        BackendSettings settings = BackendSettings.builder(4, BackendType.AZURE).container("first-request")
                .connectionString(BackendSecret.of(azurite.connectionString())).chunkSize(2 * MIB).build();
        try (AzureBlobBackend backend = new AzureBlobBackend(settings, production)) {
            GeneratedData largeData = new GeneratedData(7, 4 * MIB);
            ChunkedUpload upload = backend.beginUpload("large.bin", 4 * MIB, 2 * MIB);
            upload.stage(0, largeData.range(0, 2 * MIB));
            upload.stage(1, largeData.range(2 * MIB, 2 * MIB));
            upload.commit(2, new ObjectAttributes(largeData.md5(), Map.of()), WriteCondition.absent());
            assertNull(small.built(), "a large file built the small objects' client");

            ByteBuffer body = new GeneratedData(8, 64 * 1024).fill(ByteBuffer.allocateDirect(64 * 1024), 0);
            byte[] md5 = ContentMd5.of(body.duplicate());
            StoredObject put = backend.putWhole("small.bin", body.duplicate(), new ObjectAttributes(md5, Map.of()),
                    WriteCondition.absent());
            ByteBuffer back = ByteBuffer.allocate(64 * 1024);
            backend.read("small.bin", put.etag(), 0, back);
            assertArrayEquals(md5, ContentMd5.of(back.flip()));
            assertEquals("OkHttpAsyncHttpClient", small.built().getClass().getSimpleName());
        }
    }

    @Test
    void smallObjectsTakeTheSmallTransportAndBlocksTheLargeOneAndBothRoundTrip(AzuriteServer azurite)
            throws Exception {
        Recording small = new Recording(AzureHttpClients.okHttp(4));
        Recording large = new Recording(AzureHttpClients.jdk(4));
        BackendSettings settings = BackendSettings.builder(4, BackendType.AZURE).container("transports")
                .connectionString(BackendSecret.of(azurite.connectionString())).chunkSize(2 * MIB).build();
        try (AzureBlobBackend backend = new AzureBlobBackend(settings,
                new AzureTransports(small, large, AzureTransports.SMALL_BODY_LIMIT))) {
            // a small file: one Put Blob, one GET, both through the small transport
            GeneratedData smallData = new GeneratedData(3, 64 * 1024);
            ByteBuffer smallBody = smallData.fill(ByteBuffer.allocateDirect(64 * 1024), 0);
            byte[] smallMd5 = ContentMd5.of(smallBody.duplicate());
            StoredObject put = backend.putWhole("small.bin", smallBody.duplicate(),
                    new ObjectAttributes(smallMd5, Map.of("owner", "0")), WriteCondition.absent());
            ByteBuffer smallBack = ByteBuffer.allocate(64 * 1024);
            backend.read("small.bin", put.etag(), 0, smallBack);
            assertArrayEquals(smallMd5, ContentMd5.of(smallBack.flip()));
            assertArrayEquals(smallMd5, backend.stat("small.bin").orElseThrow().contentMd5());
            assertEquals(List.of("put_blob", "get_blob_range"), small.kinds, "through the small transport");
            assertEquals(List.of("container", "get_properties"), large.kinds, "through the large transport");

            // the conditions hold on the small transport too: a second create, a read of another version
            ArchiveException exists = org.junit.jupiter.api.Assertions.assertThrows(ArchiveException.class,
                    () -> backend.putWhole("small.bin", smallBody.duplicate(), new ObjectAttributes(smallMd5,
                            Map.of()), WriteCondition.absent()));
            assertEquals(ArchiveException.Kind.PRECONDITION, exists.kind(), exists.getMessage());
            ArchiveException replaced = org.junit.jupiter.api.Assertions.assertThrows(ArchiveException.class,
                    () -> backend.read("small.bin", "\"0x8DEADBEEF\"", 0, ByteBuffer.allocate(1024)));
            assertEquals(ArchiveException.Kind.PRECONDITION, replaced.kind(), replaced.getMessage());
            // and the service checks the small Put Blob's Content-MD5
            byte[] wrongMd5 = smallMd5.clone();
            wrongMd5[0] ^= 1;
            ArchiveException corrupt = org.junit.jupiter.api.Assertions.assertThrows(ArchiveException.class,
                    () -> backend.putWhole("small-wrong-md5.bin", smallBody.duplicate(),
                            new ObjectAttributes(wrongMd5, Map.of()), WriteCondition.absent()));
            assertEquals(ArchiveException.Kind.CORRUPT, corrupt.kind(), corrupt.getMessage());
            assertTrue(backend.stat("small-wrong-md5.bin").isEmpty(), "a body refused for its MD5 was stored");
            small.kinds.clear();
            large.kinds.clear();

            // a large file: 2 MiB blocks through the large transport, its 2 MiB ranges through the small one
            int size = 4 * MIB;
            GeneratedData largeData = new GeneratedData(5, size);
            byte[] largeMd5 = largeData.md5();
            ChunkedUpload upload = backend.beginUpload("large.bin", size, 2 * MIB);
            upload.stage(0, largeData.range(0, 2 * MIB));
            upload.stage(1, largeData.range(2 * MIB, 2 * MIB));
            StoredObject committed = upload.commit(2, new ObjectAttributes(largeMd5, Map.of()),
                    WriteCondition.absent());
            ByteBuffer largeBack = ByteBuffer.allocate(size);
            backend.read("large.bin", committed.etag(), 0, largeBack.limit(2 * MIB));
            backend.read("large.bin", committed.etag(), 2 * MIB, largeBack.limit(size));
            assertArrayEquals(largeMd5, ContentMd5.of(largeBack.flip()));
            assertArrayEquals(largeMd5, backend.stat("large.bin").orElseThrow().contentMd5());
            assertEquals(List.of("get_blob_range", "get_blob_range"), small.kinds, "through the small transport");
            assertEquals(List.of("put_block", "put_block", "put_block_list", "get_properties"), large.kinds,
                    "through the large transport");
        }
    }
}

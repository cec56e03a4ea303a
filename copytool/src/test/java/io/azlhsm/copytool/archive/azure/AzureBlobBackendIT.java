package io.azlhsm.copytool.archive.azure;

import static io.azlhsm.copytool.archive.WriteCondition.absent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendSecret;
import io.azlhsm.copytool.archive.BackendSettings.BackendType;
import io.azlhsm.copytool.archive.BackendSettings.RetrySettings;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ContentMd5;
import io.azlhsm.copytool.archive.GeneratedData;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.UploadKey;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.testcluster.harness.AzuriteExtension;
import io.azlhsm.testcluster.harness.AzuriteServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What only the azure backend does: authentication variants, service-side checks, failure classification. */
@ExtendWith(AzuriteExtension.class)
class AzureBlobBackendIT {
    private static final int CHUNK = 1024 * 1024;
    /** Small so the failure tests end in seconds. */
    private static final RetrySettings QUICK_RETRIES =
            new RetrySettings(3, Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(200));

    private static BackendSettings.Builder settings(AzuriteServer azurite) {
        return BackendSettings.builder(2, BackendType.AZURE).container("azure-it").chunkSize(CHUNK)
                .connectionString(BackendSecret.of(azurite.connectionString()));
    }

    private static AzureBlobBackend backend(BackendSettings settings, InstrumentedHttpClient client) {
        return new AzureBlobBackend(settings, client);
    }

    private static InstrumentedHttpClient instrumented(int connections) {
        return new InstrumentedHttpClient(AzureHttpClients.jdk(connections));
    }

    @Test
    void sharedKeyOnTheAccountUrlAuthenticates(AzuriteServer azurite) throws Exception {
        try (AzureBlobBackend backend = AzureBlobBackend.create(BackendSettings.builder(3, BackendType.AZURE)
                .container("shared-key").accountUrl(azurite.blobEndpoint())
                .accountKey(BackendSecret.of(AzuriteServer.ACCOUNT_KEY)).chunkSize(CHUNK).build())) {
            assertRoundTrip(backend, "via-shared-key.bin");
            assertFalse(backend.describe().contains(AzuriteServer.ACCOUNT_KEY));
            assertTrue(backend.describe().contains("auth=shared-key"), backend.describe());
        }
    }

    @Test
    void sasTokenAuthenticatesAndNeverAppearsInDescriptionsOrErrors(AzuriteServer azurite) throws Exception {
        String sas = accountSas(azurite, "rwdlacu");
        String signature = sas.replaceAll(".*sig=([^&]*).*", "$1");
        try (AzureBlobBackend backend = AzureBlobBackend.create(BackendSettings.builder(4, BackendType.AZURE)
                .container("sas").accountUrl(azurite.blobEndpoint()).sasToken(BackendSecret.of(sas))
                .chunkSize(CHUNK).build())) {
            StoredObject stored = assertRoundTrip(backend, "via-sas.bin");
            assertFalse(backend.describe().contains(signature), backend.describe());

            backend.putWhole(stored.name(), ByteBuffer.wrap(new byte[] {1}), ObjectAttributes.none(),
                    WriteCondition.etag(stored.etag()));
            ArchiveException stale = assertThrows(ArchiveException.class,
                    () -> backend.read(stored.name(), stored.etag(), 0, ByteBuffer.allocate(1)));
            assertEquals(Kind.PRECONDITION, stale.kind());
            assertFalse(fullTrace(stale).contains(signature), "the SAS signature leaked into an exception");
        }
    }

    @Test
    void aReadOnlySasCannotWriteAndReportsPermission(AzuriteServer azurite) throws Exception {
        try (AzureBlobBackend backend = AzureBlobBackend.create(BackendSettings.builder(5, BackendType.AZURE)
                .container("read-only").accountUrl(azurite.blobEndpoint())
                .sasToken(BackendSecret.of(accountSas(azurite, "rl"))).chunkSize(CHUNK).retry(QUICK_RETRIES).build())) {
            ArchiveException e = assertThrows(ArchiveException.class,
                    () -> backend.putWhole("denied.bin", ByteBuffer.allocate(1), ObjectAttributes.none(), absent()));
            assertEquals(Kind.PERMISSION, e.kind(), e.getMessage());
        }
    }

    /**
     * An account that refuses blob index tags (a SAS without the t permission, a hierarchical namespace): the refused
     * tagged write is repeated untagged and succeeds, and the backend writes untagged from then on (such an archive
     * keeps working, without the FID index). Where tags are taken, the tag is written and found.
     */
    @Test
    void anAccountThatRefusesTagsGetsUntaggedWrites(AzuriteServer azurite) throws Exception {
        Map<String, String> metadata = Map.of(io.azlhsm.copytool.archive.metadata.BlobMetadataCodec.FID,
                "[0x2000013c0:0x1:0x0]");
        var admin = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient("tags");
        InstrumentedHttpClient client = instrumented(4);
        client.refuseTags(true);
        try (AzureBlobBackend backend = backend(settings(azurite).container("tags").build(), client)) {
            backend.putWhole("untagged-1.bin", ByteBuffer.allocate(1), new ObjectAttributes(null, metadata), absent());
            GeneratedData data = new GeneratedData(13, 2L * CHUNK);
            ChunkedUpload upload = backend.beginUpload("untagged-2.bin", data.size(), CHUNK);
            upload.stage(0, data.range(0, CHUNK));
            upload.stage(1, data.range(CHUNK, CHUNK));
            upload.commit(2, new ObjectAttributes(null, metadata), absent());
            assertEquals(1, client.taggedRequests(), "after the first refusal no write carries tags");
            assertEquals(List.of(), backend.findByFid("[0x2000013c0:0x1:0x0]"));
        }
        assertEquals(Map.of(), admin.getBlobClient("untagged-1.bin").getTags());
        assertEquals(Map.of(), admin.getBlobClient("untagged-2.bin").getTags());
        try (AzureBlobBackend backend = backend(settings(azurite).container("tags").build(), instrumented(4))) {
            backend.putWhole("tagged.bin", ByteBuffer.allocate(1), new ObjectAttributes(null, metadata), absent());
            assertEquals(List.of("tagged.bin"), backend.findByFid("[0x2000013c0:0x1:0x0]"));
        }
        assertEquals(Map.of("azlhsm_fid", "0x2000013c0:0x1:0x0"), admin.getBlobClient("tagged.bin").getTags());
    }

    @Test
    void aWrongAccountKeyIsPermissionAndTheKeyAppearsNowhere(AzuriteServer azurite) throws Exception {
        byte[] keyBytes = new byte[64];
        new SecureRandom().nextBytes(keyBytes);
        String wrongKey = Base64.getEncoder().encodeToString(keyBytes);
        BackendSettings settings = BackendSettings.builder(6, BackendType.AZURE).container("bad-key")
                .accountUrl(azurite.blobEndpoint()).accountKey(BackendSecret.of(wrongKey)).chunkSize(CHUNK)
                .retry(QUICK_RETRIES).build();
        assertFalse(settings.toString().contains(wrongKey));
        try (AzureBlobBackend backend = AzureBlobBackend.create(settings)) {
            ArchiveException e = assertThrows(ArchiveException.class,
                    () -> backend.putWhole("denied.bin", ByteBuffer.allocate(1), ObjectAttributes.none(), absent()));
            assertEquals(Kind.PERMISSION, e.kind(), e.getMessage());
            assertEquals(403, e.httpStatus());
            assertEquals(ArchiveException.Errno.EACCES, e.errno());
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("denied.bin"), e.getMessage());
            assertFalse(fullTrace(e).contains(wrongKey), "the account key leaked into an exception");
            assertFalse(backend.describe().contains(wrongKey));
        }
    }

    @Test
    void aBlockCorruptedOnTheWayIsRefusedByTheServiceAsCorrupt(AzuriteServer azurite) throws Exception {
        InstrumentedHttpClient client = instrumented(4);
        try (AzureBlobBackend backend = backend(settings(azurite).build(), client)) {
            GeneratedData data = new GeneratedData(11, 2L * CHUNK);
            ChunkedUpload upload = backend.beginUpload("corrupted.bin", data.size(), CHUNK);
            upload.stage(0, data.range(0, CHUNK));
            client.corruptBlocks(true);
            ArchiveException e = assertThrows(ArchiveException.class, () -> upload.stage(1, data.range(CHUNK, CHUNK)));
            assertEquals(Kind.CORRUPT, e.kind(), e.getMessage());
            assertEquals(400, e.httpStatus());
            assertEquals(ArchiveException.Errno.EIO, e.errno());
            upload.abort();
            assertTrue(backend.stat("corrupted.bin").isEmpty());
        }
    }

    /**
     * An upload of a file version whose earlier attempt staged blocks and never committed (an agent killed mid-way)
     * sends only what is missing: a block staged with the same bytes is reused, one whose bytes differ (the earlier
     * attempt read while the file was being written) is sent again, and another data version reuses nothing. The
     * committed blob holds exactly the bytes of the last attempt.
     */
    @Test
    void aResumedUploadReusesOnlyTheBlocksStagedWithTheSameBytes(AzuriteServer azurite) throws Exception {
        UploadKey key = new UploadKey("[0x200000401:0x7:0x0]", 42);
        GeneratedData stale = new GeneratedData(21, 3L * CHUNK);
        GeneratedData data = new GeneratedData(22, 3L * CHUNK);
        try (AzureBlobBackend backend = AzureBlobBackend.create(settings(azurite).build())) {
            ChunkedUpload first = backend.beginUpload("resumed.bin", data.size(), CHUNK, key);
            first.stage(0, data.range(0, CHUNK));
            first.stage(1, stale.range(CHUNK, CHUNK));
            first.abort(); // killed: nothing committed, two blocks staged

            ChunkedUpload otherVersion = backend.beginUpload("resumed.bin", data.size(), CHUNK,
                    new UploadKey(key.fid(), 43));
            otherVersion.stage(0, data.range(0, CHUNK));
            assertEquals(0, otherVersion.resumedBytes(), "another data version reuses nothing");
            otherVersion.abort();

            ChunkedUpload second = backend.beginUpload("resumed.bin", data.size(), CHUNK, key);
            for (int i = 0; i < 3; i++) {
                second.stage(i, data.range((long) i * CHUNK, CHUNK));
            }
            assertEquals(CHUNK, second.resumedBytes(), "only block 0 was staged with these bytes");
            StoredObject stored = second.commit(3, new ObjectAttributes(data.md5(), Map.of()), absent());
            ByteBuffer back = ByteBuffer.allocate((int) data.size());
            backend.read("resumed.bin", stored.etag(), 0, back);
            back.flip();
            assertEquals(-1, data.firstMismatch(back, 0), "the blob is not the last attempt's bytes");
        }
    }

    @Test
    void aWholePutWithTheWrongMd5IsRefusedAsCorrupt(AzuriteServer azurite) throws Exception {
        try (AzureBlobBackend backend = AzureBlobBackend.create(settings(azurite).build())) {
            byte[] wrongMd5 = ContentMd5.of(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            ArchiveException e = assertThrows(ArchiveException.class, () -> backend.putWhole("wrong-md5.bin",
                    ByteBuffer.wrap(new byte[] {3, 2, 1}), new ObjectAttributes(wrongMd5, Map.of()), absent()));
            assertEquals(Kind.CORRUPT, e.kind(), e.getMessage());
            assertTrue(backend.stat("wrong-md5.bin").isEmpty());
        }
    }

    @Test
    void theSdkRetriesConnectionResetsAndThrottlingWithinTheBudget(AzuriteServer azurite) throws Exception {
        InstrumentedHttpClient client = instrumented(4);
        try (AzureBlobBackend backend = backend(settings(azurite).retry(QUICK_RETRIES).build(), client)) {
            GeneratedData data = new GeneratedData(14, 4L * CHUNK);
            ChunkedUpload upload = backend.beginUpload("flaky.bin", data.size(), CHUNK);
            client.resetNextBlocks(QUICK_RETRIES.maxTries() - 1);
            upload.stage(0, data.range(0, CHUNK));
            client.throttleNextBlocks(QUICK_RETRIES.maxTries() - 1);
            upload.stage(1, data.range(CHUNK, CHUNK));

            client.resetNextBlocks(QUICK_RETRIES.maxTries());
            ArchiveException reset = assertThrows(ArchiveException.class, () -> upload.stage(2, data.range(2L * CHUNK, CHUNK)));
            assertEquals(Kind.TRANSIENT, reset.kind(), reset.getMessage());
            client.throttleNextBlocks(QUICK_RETRIES.maxTries());
            ArchiveException busy = assertThrows(ArchiveException.class, () -> upload.stage(2, data.range(2L * CHUNK, CHUNK)));
            assertEquals(Kind.TRANSIENT, busy.kind(), busy.getMessage());
            assertEquals(503, busy.httpStatus());
            assertTrue(busy.getMessage().contains("ServerBusy"), busy.getMessage());

            upload.stage(2, data.range(2L * CHUNK, CHUNK));
            upload.stage(3, data.range(3L * CHUNK, CHUNK));
            upload.commit(4, new ObjectAttributes(data.md5(), Map.of()), absent());
            assertArrayEquals(data.md5(), backend.stat("flaky.bin").orElseThrow().contentMd5());
        }
    }

    @Test
    void oversizedMetadataIsRefusedWithoutAnyRequest(AzuriteServer azurite) throws Exception {
        InstrumentedHttpClient client = instrumented(4);
        try (AzureBlobBackend backend = backend(settings(azurite).build(), client)) {
            ObjectAttributes fat = new ObjectAttributes(null, Map.of("padding", "p".repeat(8 * 1024)));
            assertEquals(Kind.TOO_LARGE, assertThrows(ArchiveException.class,
                    () -> backend.putWhole("fat.bin", ByteBuffer.allocate(1), fat, absent())).kind());
            assertEquals(Kind.TOO_LARGE, assertThrows(ArchiveException.class,
                    () -> backend.putMarker("fat", fat)).kind());
            assertEquals(0, client.requests(), "validation must precede every request");
        }
    }

    @Test
    void requestsInFlightNeverExceedMaxConcurrency(AzuriteServer azurite) throws Exception {
        InstrumentedHttpClient client = instrumented(8);
        try (AzureBlobBackend backend = backend(settings(azurite).maxConcurrency(2).build(), client)) {
            GeneratedData data = new GeneratedData(12, 12L * CHUNK);
            ChunkedUpload upload = backend.beginUpload("throttled.bin", data.size(), CHUNK);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> stages = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    int index = i;
                    stages.add(pool.submit(() -> {
                        upload.stage(index, data.range((long) index * CHUNK, CHUNK));
                        return null;
                    }));
                }
                for (Future<?> stage : stages) {
                    stage.get();
                }
            } finally {
                pool.shutdownNow();
            }
            upload.commit(12, new ObjectAttributes(data.md5(), Map.of()), absent());
            assertTrue(client.maxInFlight() <= 2, "in flight at once: " + client.maxInFlight());
            assertArrayEquals(data.md5(), backend.stat("throttled.bin").orElseThrow().contentMd5());
        }
    }

    @Test
    void azuriteStoppingMidUploadEndsTransientAfterTheRetries() throws Exception {
        AzuriteServer own = AzuriteServer.start();
        try (AzureBlobBackend backend = AzureBlobBackend.create(settings(own).retry(QUICK_RETRIES).build())) {
            GeneratedData data = new GeneratedData(13, 2L * CHUNK);
            ChunkedUpload upload = backend.beginUpload("interrupted.bin", data.size(), CHUNK);
            upload.stage(0, data.range(0, CHUNK));
            own.close();

            long start = System.nanoTime();
            ArchiveException e = assertThrows(ArchiveException.class, () -> upload.stage(1, data.range(CHUNK, CHUNK)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(Kind.TRANSIENT, e.kind(), e.getMessage());
            assertTrue(e.retryable());
            assertTrue(e.errno() == ArchiveException.Errno.EAGAIN || e.errno() == ArchiveException.Errno.ETIMEDOUT);
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "retries took " + took);
            assertEquals(Kind.TRANSIENT, assertThrows(ArchiveException.class,
                    () -> backend.read("interrupted.bin", null, 0, ByteBuffer.allocate(1))).kind());
        } finally {
            own.close();
        }
    }

    private static StoredObject assertRoundTrip(AzureBlobBackend backend, String relativePath) throws Exception {
        String name = backend.objectName(relativePath);
        GeneratedData data = new GeneratedData(relativePath.hashCode(), 3L * CHUNK / 2);
        ChunkedUpload upload = backend.beginUpload(name, data.size(), CHUNK);
        upload.stage(1, data.range(CHUNK, CHUNK / 2));
        upload.stage(0, data.range(0, CHUNK));
        StoredObject stored = upload.commit(2, new ObjectAttributes(data.md5(), Map.of("owner", "0")), absent());
        ByteBuffer back = ByteBuffer.allocate((int) data.size());
        backend.read(name, stored.etag(), 0, back);
        assertEquals(-1, data.firstMismatch(back.flip(), 0));
        assertEquals(List.of(name), backend.list(name, null, 10).objects().stream().map(StoredObject::name).toList());
        return stored;
    }

    private static String accountSas(AzuriteServer azurite, String permissions) {
        return new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                        AccountSasPermission.parse(permissions), new AccountSasService().setBlobAccess(true),
                        AccountSasResourceType.parse("sco")));
    }

    private static String fullTrace(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}

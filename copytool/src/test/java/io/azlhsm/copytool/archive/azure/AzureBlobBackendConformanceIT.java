package io.azlhsm.copytool.archive.azure;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveBackendConformance;
import io.azlhsm.copytool.archive.BackendSecret;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.BackendSettings.BackendType;
import io.azlhsm.testcluster.harness.AzuriteExtension;
import io.azlhsm.testcluster.harness.AzuriteServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The conformance suite against block blobs in the class's own Azurite, authenticated by connection string. */
@ExtendWith(AzuriteExtension.class)
class AzureBlobBackendConformanceIT extends ArchiveBackendConformance {
    private AzuriteServer azurite;

    @BeforeAll
    void azurite(AzuriteServer server) {
        this.azurite = server;
    }

    @Override
    protected ArchiveBackend createBackend() {
        return AzureBlobBackend.create(BackendSettings.builder(1, BackendType.AZURE)
                .connectionString(BackendSecret.of(azurite.connectionString()))
                .container("conformance")
                .prefix("lustre/")
                .chunkSize(CHUNK)
                .singlePutLimit(4L * CHUNK)
                .build());
    }

    @Override
    protected long maxParts() {
        return AzureBlobBackend.MAX_BLOCKS;
    }

    @Override
    protected long maxChunkSize() {
        return AzureBlobBackend.MAX_BLOCK_SIZE;
    }
}

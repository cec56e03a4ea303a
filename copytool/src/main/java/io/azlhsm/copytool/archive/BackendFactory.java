package io.azlhsm.copytool.archive;

import io.azlhsm.copytool.archive.azure.AzureBlobBackend;
import io.azlhsm.copytool.archive.posix.PosixBackend;

/** Creates the backend one archive id's settings describe. */
public final class BackendFactory {
    private BackendFactory() {
    }

    /**
     * @throws IllegalArgumentException when the settings lack what the backend type needs (container, credentials,
     *                                  root); the message names the archive id and never a secret
     * @throws ArchiveException         when a posix root cannot be created
     */
    public static ArchiveBackend create(BackendSettings settings) throws ArchiveException {
        return create(settings, RetryListener.NONE);
    }

    /**
     * As {@link #create(BackendSettings)}, telling {@code retries} about every request the client library repeats
     * on its own (azure; posix has no such retries).
     */
    public static ArchiveBackend create(BackendSettings settings, RetryListener retries) throws ArchiveException {
        return switch (settings.type()) {
            case AZURE -> io.azlhsm.copytool.archive.azure.NamespaceChoice.apply(
                    AzureBlobBackend.create(settings, retries), settings, retries);
            case POSIX -> {
                if (settings.root() == null) {
                    throw new IllegalArgumentException("archive " + settings.archiveId() + ": posix needs a root");
                }
                yield new PosixBackend(settings.root(), settings.prefix(), settings.chunkSize(),
                        settings.singlePutLimit());
            }
        };
    }
}

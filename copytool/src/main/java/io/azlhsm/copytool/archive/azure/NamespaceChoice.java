package io.azlhsm.copytool.archive.azure;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.NamespaceSettings;
import io.azlhsm.copytool.archive.RetryListener;
import java.time.Duration;

/**
 * Decides, once at start, whether an Azure archive is flat or hierarchical ({@code archive.N.namespace}), and gives
 * a hierarchical one its Data Lake side. {@code auto} asks the account: Get Account Information (on the container, so
 * a container-scoped SAS may ask too) answers {@code x-ms-is-hns-enabled}; an account that leaves it out (Azurite,
 * an account before service version 2019-12-12) is flat. The answer is logged.
 */
public final class NamespaceChoice {
    private static final System.Logger LOG = System.getLogger(NamespaceChoice.class.getName());
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(1);

    private NamespaceChoice() {
    }

    /** The blob backend as it is (flat), or wrapped for a hierarchical namespace. */
    public static ArchiveBackend apply(AzureBlobBackend blobs, BackendSettings settings, RetryListener retries)
            throws ArchiveException {
        NamespaceSettings namespace = settings.namespace();
        try {
            boolean hierarchical = switch (namespace.kind()) {
                case FLAT -> false;
                case HIERARCHICAL -> true;
                case AUTO -> ask(blobs, settings);
            };
            if (!hierarchical) {
                return blobs;
            }
            String endpoint = DataLakeClients.dfsEndpoint(settings, blobs.clients().sync().getAccountUrl());
            // the Data Lake requests (access control, directories, listings) carry no data: the JDK client, as for
            // every such request on the blob side (AzureTransports)
            return new HierarchicalBackend(blobs, DataLakeClients.create(settings, endpoint,
                    AzureHttpClients.jdk(settings.maxConcurrency()), retries), endpoint,
                    new PathOwners(settings.archiveId(), namespace.defaultUid(), namespace.defaultGid()));
        } catch (ArchiveException | RuntimeException e) {
            blobs.close();
            throw e;
        }
    }

    private static boolean ask(AzureBlobBackend blobs, BackendSettings settings) throws ArchiveException {
        boolean enabled;
        try {
            enabled = blobs.clients().sync().getAccountInfo(PROBE_TIMEOUT).isHierarchicalNamespaceEnabled();
        } catch (RuntimeException e) {
            throw AzureErrors.map(settings.container(), "Get Account Information (archive." + settings.archiveId()
                    + ".namespace = auto)", e);
        }
        LOG.log(System.Logger.Level.INFO, "archive " + settings.archiveId() + ": namespace auto: the account answers"
                + " x-ms-is-hns-enabled " + enabled + ", so the archive is "
                + (enabled ? "hierarchical (Data Lake API for directories and POSIX attributes)" : "flat"));
        return enabled;
    }
}

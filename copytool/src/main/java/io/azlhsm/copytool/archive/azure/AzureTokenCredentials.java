package io.azlhsm.copytool.archive.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.azlhsm.copytool.archive.AzureIdentity;

/**
 * The token credential for an archive authenticated by the node's managed identity.
 *
 * <p>azure-identity finds the token endpoint itself, as on any Azure host: the App Service / Functions endpoint
 * ({@code IDENTITY_ENDPOINT} + {@code IDENTITY_HEADER}), Azure Arc, Service Fabric, else the VM's instance metadata
 * service. Token requests go through the backend's own HTTP client, so they use the product's transport and trust
 * store like the blob requests do. The credential caches tokens and refreshes them before they expire.
 */
final class AzureTokenCredentials {
    private AzureTokenCredentials() {
    }

    static TokenCredential create(AzureIdentity identity, HttpClient httpClient) {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder().httpClient(httpClient);
        identity.clientId().ifPresent(builder::clientId);
        return builder.build();
    }
}

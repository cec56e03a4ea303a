package io.azlhsm.copytool.archive.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import io.azlhsm.copytool.archive.AzureIdentity;

/**
 * The token credential for an archive authenticated by an Entra identity.
 *
 * <p>Managed identity: azure-identity finds the token endpoint itself, as on any Azure host: the App Service /
 * Functions endpoint ({@code IDENTITY_ENDPOINT} + {@code IDENTITY_HEADER}), Azure Arc, Service Fabric, else the VM's
 * instance metadata service.
 *
 * <p>Workload identity: the config (or the variables the AKS webhook injects) names tenant, client and token file;
 * MSAL exchanges the file's content as a client assertion at {@code <authority>/<tenant>/oauth2/v2.0/token}.
 *
 * <p>Managed identity token requests go through the backend's own HTTP client, so they use the product's transport
 * and trust store like the blob requests do. The workload identity exchange does not: azure-identity 1.15.1 makes it
 * with the JDK's HttpsURLConnection, so it uses the JVM's default trust store and proxy properties (the httpClient
 * given here is still set, for versions that use it). The credentials cache tokens and refresh them before they
 * expire.
 */
final class AzureTokenCredentials {
    private AzureTokenCredentials() {
    }

    static TokenCredential create(AzureIdentity identity, HttpClient httpClient) {
        if (identity instanceof AzureIdentity.Workload workload) {
            return new WorkloadIdentityCredentialBuilder()
                    .httpClient(httpClient)
                    .authorityHost(workload.authorityHost())
                    .tenantId(workload.tenantId())
                    .clientId(workload.clientId())
                    .tokenFilePath(workload.tokenFile().toString())
                    .build();
        }
        AzureIdentity.Managed managed = (AzureIdentity.Managed) identity;
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder().httpClient(httpClient);
        managed.clientId().ifPresent(builder::clientId);
        return builder.build();
    }
}

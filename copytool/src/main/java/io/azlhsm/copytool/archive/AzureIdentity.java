package io.azlhsm.copytool.archive;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An Azure archive authenticated by a Microsoft Entra identity rather than by a secret in the config: the client
 * library fetches short-lived bearer tokens for it from the platform.
 */
public sealed interface AzureIdentity {

    /**
     * The node's managed identity.
     *
     * @param clientId a user-assigned managed identity's client id; empty for the system-assigned identity
     */
    record Managed(Optional<String> clientId) implements AzureIdentity {
        public Managed {
            Objects.requireNonNull(clientId, "clientId");
        }

        @Override
        public String toString() {
            return "managed-identity" + clientId.map(id -> "(client_id=" + id + ")").orElse("");
        }
    }

    /**
     * Workload identity federation (Kubernetes / AKS): the pod's service account token, which azure-identity reads
     * from {@code tokenFile} again when it needs a new token (kubelet rotates the file), is exchanged at the Entra
     * ID token endpoint of {@code authorityHost} for a token of the app registration or user-assigned identity
     * {@code clientId}.
     */
    record Workload(String tenantId, String clientId, Path tokenFile, String authorityHost) implements AzureIdentity {
        public Workload {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(tokenFile, "tokenFile");
            Objects.requireNonNull(authorityHost, "authorityHost");
        }

        /** Names the file, never its content (the content is a credential). */
        @Override
        public String toString() {
            return "workload-identity(tenant_id=" + tenantId + " client_id=" + clientId + " federated_token_file="
                    + tokenFile + " authority=" + authorityHost + ")";
        }
    }
}

package io.azlhsm.copytool.archive;

import java.util.Objects;
import java.util.Optional;

/**
 * An Azure archive authenticated by a Microsoft Entra identity of the node rather than by a secret: the client library
 * fetches short-lived bearer tokens for it from the platform.
 *
 * @param clientId a user-assigned managed identity's client id; empty for the system-assigned identity
 */
public record AzureIdentity(Optional<String> clientId) {
    public AzureIdentity {
        Objects.requireNonNull(clientId, "clientId");
    }

    /** The system-assigned managed identity. */
    public static AzureIdentity systemAssigned() {
        return new AzureIdentity(Optional.empty());
    }

    @Override
    public String toString() {
        return "managed-identity" + clientId.map(id -> "(client_id=" + id + ")").orElse("");
    }
}

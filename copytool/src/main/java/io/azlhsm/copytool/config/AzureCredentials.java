package io.azlhsm.copytool.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an Azure archive authenticates: a connection string, a shared key or a SAS token (secrets held as
 * {@link Secret}), or a Microsoft Entra identity of the node (no secret in the file at all).
 */
public sealed interface AzureCredentials {

    /** {@code archive.N.connection_string}. */
    record ConnectionString(Secret connectionString) implements AzureCredentials {
        // The parts of a storage connection string that are credentials.
        private static final Pattern SECRET_PARTS =
                Pattern.compile("(?i)((?:AccountKey|SharedAccessSignature)=)[^;]*");

        /** The connection string with its AccountKey and SharedAccessSignature values replaced by ****. */
        public String redacted() {
            Matcher matcher = SECRET_PARTS.matcher(connectionString.reveal());
            return matcher.replaceAll("$1" + Matcher.quoteReplacement(Secret.REDACTED));
        }

        @Override
        public String toString() {
            return "connection_string(" + redacted() + ")";
        }
    }

    /** {@code archive.N.account_url} + {@code archive.N.account_key}. */
    record SharedKey(String accountUrl, Secret accountKey) implements AzureCredentials {
        @Override
        public String toString() {
            return "account_key(" + KeyCatalog.withoutQuery(accountUrl) + ")";
        }
    }

    /** {@code archive.N.account_url} + {@code archive.N.sas_token}. */
    record SasToken(String accountUrl, Secret sasToken) implements AzureCredentials {
        @Override
        public String toString() {
            return "sas_token(" + KeyCatalog.withoutQuery(accountUrl) + ")";
        }
    }

    /**
     * {@code archive.N.auth = managed-identity}: tokens from the host's managed identity (App Service / Functions /
     * Arc / Service Fabric endpoints named by environment variables, else the VM's instance metadata service).
     *
     * @param clientId {@code archive.N.client_id}: a user-assigned identity; empty for the system-assigned one
     */
    record ManagedIdentity(String accountUrl, Optional<String> clientId) implements AzureCredentials {
        @Override
        public String toString() {
            return "managed-identity(" + KeyCatalog.withoutQuery(accountUrl)
                    + clientId.map(id -> " client_id=" + id).orElse("") + ")";
        }
    }

    /**
     * {@code archive.N.auth = workload-identity}: Kubernetes / AKS workload identity federation. The service account
     * token in {@code tokenFile} is exchanged at {@code authorityHost} for a token of {@code clientId}; the file's
     * content is a credential, so only its path is ever shown.
     */
    record WorkloadIdentity(String accountUrl, String tenantId, String clientId, Path tokenFile,
                            String authorityHost) implements AzureCredentials {
        @Override
        public String toString() {
            return "workload-identity(" + KeyCatalog.withoutQuery(accountUrl) + " tenant_id=" + tenantId
                    + " client_id=" + clientId + ")";
        }
    }
}

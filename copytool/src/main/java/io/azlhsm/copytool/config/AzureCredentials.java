package io.azlhsm.copytool.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How an Azure archive authenticates: one of three forms, secrets held as {@link Secret}. */
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
}

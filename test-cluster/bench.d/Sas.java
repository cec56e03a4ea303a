import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import com.azure.storage.common.sas.SasProtocol;
import java.time.OffsetDateTime;

/**
 * Prints an account SAS (query string without '?') for the account of a connection string, for the benchmark peers
 * (azcopy takes only SAS URLs against the emulator). Benchmark tooling only, never part of the copytool.
 *
 *   java -cp "$(ls copytool/target/lib/*.jar | tr '\n' :)" Sas.java "$AZURE_STORAGE_CONNECTION_STRING" [HOURS]
 */
public final class Sas {
    private Sas() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: Sas CONNECTION_STRING [HOURS]");
            System.exit(2);
        }
        long hours = args.length == 2 ? Long.parseLong(args[1]) : 12;
        BlobServiceClient service = new BlobServiceClientBuilder().connectionString(args[0]).buildClient();
        AccountSasSignatureValues values = new AccountSasSignatureValues(
                OffsetDateTime.now().plusHours(hours),
                AccountSasPermission.parse("rwdlacuptf"),
                AccountSasService.parse("b"),
                AccountSasResourceType.parse("sco"))
                .setProtocol(SasProtocol.HTTPS_HTTP);
        System.out.println(service.generateAccountSas(values));
    }
}

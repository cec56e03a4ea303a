package io.azlhsm.testcluster.datalake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeDirectoryClient;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import com.azure.storage.file.datalake.models.ListPathsOptions;
import com.azure.storage.file.datalake.models.PathAccessControl;
import com.azure.storage.file.datalake.models.PathAccessControlEntry;
import com.azure.storage.file.datalake.models.PathItem;
import com.azure.storage.file.datalake.models.PathPermissions;
import com.azure.storage.file.datalake.options.DataLakePathCreateOptions;
import io.azlhsm.testcluster.harness.AzuriteExtension;
import io.azlhsm.testcluster.harness.AzuriteServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Data Lake stand-in as the SDK (azure-storage-file-datalake, unchanged, only the endpoint differing) and a raw
 * HTTP client see it: each implemented operation, its status codes, x-ms-error-code and JSON error bodies, and the
 * same objects through Azurite's Blob API.
 */
@ExtendWith(AzuriteExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataLakeStandInIT {
    private DataLakeStandIn standIn;
    private BlobContainerClient container;
    private DataLakeFileSystemClient fs;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(AzuriteServer azurite) throws IOException {
        standIn = DataLakeStandIn.start(azurite);
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .httpClient(new JdkHttpClientBuilder().build()).buildClient().getBlobContainerClient("lake");
        container.create();
        fs = new DataLakeServiceClientBuilder().endpoint(standIn.endpoint())
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.ACCOUNT_KEY))
                .httpClient(new JdkHttpClientBuilder().build())
                .buildClient().getFileSystemClient("lake");
    }

    @AfterAll
    void stop() {
        if (standIn != null) {
            standIn.close();
        }
    }

    @Test
    void directoryAndFileKeepOwnerGroupAndPermissionsAsCreated() {
        DataLakeDirectoryClient dir = fs.createDirectoryWithResponse("create/sub", new DataLakePathCreateOptions()
                .setOwner("1000").setGroup("100").setPermissions("0755").setUmask("0000"), null, null).getValue();
        PathAccessControl dirAcl = dir.getAccessControl();
        assertEquals("1000", dirAcl.getOwner());
        assertEquals("100", dirAcl.getGroup());
        assertEquals("0755", dirAcl.getPermissions().toString());

        DataLakeFileClient file = fs.createFile("create/sub/f", true);
        PathAccessControl fileAcl = file.getAccessControl();
        assertEquals("$superuser", fileAcl.getOwner(), "a shared-key create is owned by $superuser");
        assertEquals("0640", fileAcl.getPermissions().toString(), "0666 less the default umask 0027");

        PathAccessControl parent = fs.getDirectoryClient("create").getAccessControl();
        assertEquals("0750", parent.getPermissions().toString(), "a missing parent is made with 0777 & ~0027");
        assertTrue(dir.getProperties().isDirectory(), "the SDK's own getProperties sees a directory");
        assertFalse(fs.getFileClient("create/sub/f").getProperties().isDirectory());
        assertTrue(container.getBlobClient("create/sub").getProperties().getMetadata().containsKey("hdi_isfolder"),
                "a directory shows through the Blob API as an hdi_isfolder blob, as on a real account");
    }

    @Test
    void setAccessControlChangesOwnerGroupPermissionsAndAcl() {
        DataLakeFileClient file = fs.createFile("acl/f", true);
        file.setPermissions(PathPermissions.parseOctal("1640"), "7", "42");
        PathAccessControl acl = file.getAccessControl();
        assertEquals("42", acl.getOwner());
        assertEquals("7", acl.getGroup());
        assertEquals("1640", acl.getPermissions().toString());

        file.setAccessControlList(PathAccessControlEntry.parseList(
                "user::rwx,user:1001:r-x,group::r--,mask::r-x,other::---"), null, null);
        PathAccessControl extended = file.getAccessControl();
        assertEquals("user::rwx,user:1001:r-x,group::r--,mask::r-x,other::---",
                PathAccessControlEntry.serializeList(extended.getAccessControlList()));
        assertEquals("42", extended.getOwner(), "an ACL alone leaves the owner");
        assertTrue(extended.getPermissions().isExtendedInfoInAcl(), "more than the base entries shows as '+'");
        assertEquals("1750", extended.getPermissions().toString(),
                "the group class is the mask; the sticky bit stays");
    }

    /**
     * x-ms-acl as the product sends and reads it: a directory's ACL with default entries and its owner and group in
     * one Set Access Control (conditional on the ETag), answered whole by Get Access Control and as '+' in a
     * listing; a malformed ACL is refused as the service refuses it and changes nothing.
     */
    @Test
    void anAclWithDefaultEntriesIsKeptWithThePathAndAMalformedOneIsRefused() throws Exception {
        DataLakeDirectoryClient dir = fs.createDirectory("xacl/d", true);
        String acl = "user::rwx,user:1000:r-x,group::r-x,group:50:rwx,mask::rwx,other::---,default:user::rwx,"
                + "default:user:1000:r-x,default:group::r-x,default:mask::r-x,default:other::---";
        String etag = dir.getProperties().getETag();
        DataLakeStorageException stale = assertThrows(DataLakeStorageException.class,
                () -> dir.setAccessControlListWithResponse(PathAccessControlEntry.parseList(acl), "60", "70",
                        new com.azure.storage.file.datalake.models.DataLakeRequestConditions().setIfMatch("\"0x1\""),
                        null, null));
        assertEquals(412, stale.getStatusCode());
        dir.setAccessControlListWithResponse(PathAccessControlEntry.parseList(acl), "60", "70",
                new com.azure.storage.file.datalake.models.DataLakeRequestConditions().setIfMatch(etag), null, null);

        PathAccessControl got = dir.getAccessControl();
        assertEquals(acl, PathAccessControlEntry.serializeList(got.getAccessControlList()));
        assertEquals(List.of("70", "60", "0770"), List.of(got.getOwner(), got.getGroup(),
                got.getPermissions().toString()), "owner and group with the ACL; the group class is the mask");
        PathItem listed = fs.listPaths(new ListPathsOptions().setPath("xacl").setRecursive(false), null).stream()
                .findFirst().orElseThrow();
        assertEquals("rwxrwx---+", listed.getPermissions(), "a listing shows an extended ACL as '+'");

        HttpResponse<String> head = send("HEAD", "/lake/xacl/d?action=getAccessControl");
        assertEquals(acl, head.headers().firstValue("x-ms-acl").orElse(null));
        assertEquals("rwxrwx---+", head.headers().firstValue("x-ms-permissions").orElse(null));
        assertFalse(send("HEAD", "/lake/xacl/d").headers().firstValue("x-ms-acl").isPresent(),
                "x-ms-acl only with action=getAccessControl");

        for (String malformed : List.of("asdf", "user::rwx,other::---", "user::rwx,group::r-x,mask:5:r-x,other::---",
                "user::rwx,group::r-x,other:7:---", "user::rwz,group::r-x,other::---")) {
            HttpResponse<String> refused = send("PATCH", "/lake/xacl/d?action=setAccessControl", "x-ms-acl",
                    malformed);
            assertError(refused, 400, "InvaldAccessControlList");
            assertTrue(refused.body().contains("The access control list value is invalid."), refused.body());
            assertError(send("PUT", "/lake/xacl/new?resource=directory", "x-ms-acl", malformed), 400,
                    "InvaldAccessControlList");
        }
        assertEquals(acl, PathAccessControlEntry.serializeList(dir.getAccessControl().getAccessControlList()),
                "a refused ACL changes nothing");
        assertFalse(fs.getDirectoryClient("xacl/new").exists());
    }

    @Test
    void listPagesRecursiveAndOneLevelWithImpliedDirectories() {
        fs.createDirectory("list");
        fs.createFile("list/a", true);
        fs.createFile("list/d/b", true);
        container.getBlobClient("list/e/f/blob-written").upload(BinaryData.fromString("data"));

        List<PathItem> recursive = fs.listPaths(new ListPathsOptions().setPath("list").setRecursive(true)
                .setMaxResults(2), null).stream().collect(Collectors.toList());
        assertEquals(List.of("list/a", "list/d", "list/d/b", "list/e", "list/e/f", "list/e/f/blob-written"),
                recursive.stream().map(PathItem::getName).collect(Collectors.toList()));
        Map<String, PathItem> byName = recursive.stream().collect(Collectors.toMap(PathItem::getName, p -> p));
        assertTrue(byName.get("list/e").isDirectory(), "a directory implied by a blob's name is a directory");
        assertFalse(byName.get("list/e/f/blob-written").isDirectory());
        assertEquals(4, byName.get("list/e/f/blob-written").getContentLength());
        assertEquals("$superuser", byName.get("list/e/f/blob-written").getOwner());

        List<String> oneLevel = fs.listPaths(new ListPathsOptions().setPath("list").setRecursive(false), null)
                .stream().map(PathItem::getName).collect(Collectors.toList());
        assertEquals(List.of("list/a", "list/d", "list/e"), oneLevel);
    }

    @Test
    void renameMovesAFileAndADirectoryWithTheirAccessControl() {
        fs.createDirectory("mv/src/deep", true);
        DataLakeFileClient file = fs.createFile("mv/src/deep/f", true);
        file.setPermissions(PathPermissions.parseOctal("0600"), "6", "5");
        // The SDK's returned client names the destination encoded twice (mv%252Fdst): fresh clients are used.
        fs.getDirectoryClient("mv/src").rename(null, "mv/dst");
        DataLakeDirectoryClient moved = fs.getDirectoryClient("mv/dst");
        assertEquals("5", moved.getSubdirectoryClient("deep").getFileClient("f").getAccessControl().getOwner());
        assertFalse(container.getBlobClient("mv/src/deep/f").exists(), "the source is gone");

        fs.getFileClient("mv/dst/deep/f").rename(null, "mv/g");
        DataLakeFileClient renamed = fs.getFileClient("mv/g");
        assertEquals("0600", renamed.getAccessControl().getPermissions().toString());

        DataLakeStorageException missing = assertThrows(DataLakeStorageException.class,
                () -> fs.getFileClient("mv/none").rename(null, "mv/other"));
        assertEquals(404, missing.getStatusCode());
        assertEquals("SourcePathNotFound", missing.getErrorCode());
        DataLakeStorageException noParent = assertThrows(DataLakeStorageException.class,
                () -> renamed.rename(null, "mv/nowhere/g"));
        assertEquals("RenameDestinationParentPathNotFound", noParent.getErrorCode());

        // conditions: the source's (x-ms-source-if-match) fail as SourceConditionNotMet, the target's as on a create
        fs.createFile("mv/taken", true);
        DataLakeStorageException staleSource = assertThrows(DataLakeStorageException.class,
                () -> renamed.renameWithResponse(null, "mv/h", new DataLakeRequestConditions().setIfMatch("\"0x1\""),
                        null, null, Context.NONE));
        assertEquals(412, staleSource.getStatusCode());
        assertEquals("SourceConditionNotMet", staleSource.getErrorCode());
        String etag = renamed.getProperties().getETag();
        DataLakeStorageException taken = assertThrows(DataLakeStorageException.class,
                () -> renamed.renameWithResponse(null, "mv/taken", new DataLakeRequestConditions().setIfMatch(etag),
                        new DataLakeRequestConditions().setIfNoneMatch("*"), null, Context.NONE));
        assertEquals(409, taken.getStatusCode());
        assertEquals("PathAlreadyExists", taken.getErrorCode());
        renamed.renameWithResponse(null, "mv/h", new DataLakeRequestConditions().setIfMatch(etag),
                new DataLakeRequestConditions().setIfNoneMatch("*"), null, Context.NONE);
        assertEquals("0600", fs.getFileClient("mv/h").getAccessControl().getPermissions().toString());
    }

    @Test
    void deleteNeedsRecursiveForADirectoryThatIsNotEmpty() {
        fs.createFile("rm/d/f", true);
        DataLakeStorageException notEmpty = assertThrows(DataLakeStorageException.class,
                () -> fs.getDirectoryClient("rm/d").deleteWithResponse(false, null, null, null));
        assertEquals(409, notEmpty.getStatusCode());
        assertEquals("DirectoryNotEmpty", notEmpty.getErrorCode());
        fs.getDirectoryClient("rm/d").deleteWithResponse(true, null, null, null);
        assertFalse(container.getBlobClient("rm/d/f").exists());
        assertFalse(container.getBlobClient("rm/d").exists());
        DataLakeStorageException gone = assertThrows(DataLakeStorageException.class,
                () -> fs.getFileClient("rm/d/f").delete());
        assertEquals("PathNotFound", gone.getErrorCode());
    }

    @Test
    void errorsCarryTheCodeHeaderAndTheJsonBody() throws Exception {
        fs.createFile("err/f", true);
        HttpResponse<String> exists = send("PUT", "/lake/err/f?resource=file", "If-None-Match", "*");
        assertError(exists, 409, "PathAlreadyExists");
        assertError(send("PUT", "/lake/err/f?resource=directory"), 409, "PathConflict");
        assertError(send("PUT", "/lake/err/g?resource=file", "x-ms-permissions", "rwxrwxrwz"), 400,
                "InvalidHeaderValue");
        assertError(send("PUT", "/lake/err/g"), 400, "MissingRequiredQueryParameter");
        assertError(send("GET", "/nolake?resource=filesystem&recursive=true"), 404, "FilesystemNotFound");
        assertError(send("GET", "/lake?resource=filesystem"), 400, "MissingRequiredQueryParameter");
        assertError(send("GET", "/lake?resource=filesystem&recursive=true&directory=err/none"), 404, "PathNotFound");
        assertError(send("PATCH", "/lake/err/none?action=setAccessControl", "x-ms-owner", "1"), 404, "PathNotFound");
        assertError(send("PATCH", "/lake/err/f?action=setAccessControl", "If-Match", "\"0x1\""), 412,
                "ConditionNotMet");

        HttpResponse<String> head = send("HEAD", "/lake/err/none?action=getAccessControl");
        assertEquals(404, head.statusCode());
        assertEquals("PathNotFound", head.headers().firstValue("x-ms-error-code").orElse(null));
        assertEquals("", head.body(), "a HEAD answer has no body");
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, response.headers().firstValue("x-ms-error-code").orElse(null));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(response.body().startsWith("{\"error\":{\"code\":\"" + code + "\",\"message\":\""),
                response.body());
        assertTrue(response.body().contains("\\nRequestId:"), response.body());
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(standIn.endpoint() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("x-ms-version", "2021-06-08");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}

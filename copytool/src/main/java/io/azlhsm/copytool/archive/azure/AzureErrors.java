package io.azlhsm.copytool.archive.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import reactor.core.Exceptions;

/**
 * Classifies what the Azure SDK throws after its retry policy gave up.
 *
 * <p>Messages are built from the HTTP status and the service's error code only; the SDK's own message (which quotes
 * the service's XML, sometimes with request signatures) is never copied, and the exception chain is attached in
 * redacted form by {@link ArchiveException}.
 */
final class AzureErrors {
    private AzureErrors() {
    }

    static ArchiveException map(String objectName, String doing, Throwable failure) {
        Throwable error = Exceptions.unwrap(failure);
        if (error instanceof BlobStorageException storage) {
            return fromService(objectName, doing, storage.getStatusCode(), storage.getErrorCode(), storage);
        }
        if (error instanceof com.azure.storage.file.datalake.models.DataLakeStorageException lake) {
            // The Data Lake API's codes (PathNotFound, PathAlreadyExists...) classified by status as the blob ones.
            return fromService(objectName, doing, lake.getStatusCode(),
                    lake.getErrorCode() == null ? null : BlobErrorCode.fromString(lake.getErrorCode()), lake);
        }
        if (error instanceof HttpResponseException http && http.getResponse() != null) {
            return fromService(objectName, doing, http.getResponse().getStatusCode(), null, http);
        }
        if (isTimeout(error)) {
            return ArchiveException.timedOut(objectName, doing + " timed out after the retry policy's attempts", error);
        }
        if (hasCause(error, IOException.class)) {
            return ArchiveException.of(Kind.TRANSIENT, objectName,
                    doing + " failed on the network after the retry policy's attempts: " + rootCauseClass(error), error);
        }
        if (error instanceof IllegalArgumentException) {
            return ArchiveException.of(Kind.INVALID, objectName, doing + " was refused by the client library: "
                    + error.getClass().getSimpleName(), error);
        }
        // Unknown: treat as transient so the coordinator's bounded retries decide, rather than failing for good.
        return ArchiveException.of(Kind.TRANSIENT, objectName,
                doing + " failed unexpectedly: " + error.getClass().getName(), error);
    }

    private static ArchiveException fromService(String objectName, String doing, int status, BlobErrorCode code,
                                                Throwable error) {
        String cause = doing + " answered " + (code == null ? "status " + status : code.toString());
        return ArchiveException.fromService(kind(status, code), objectName, status, cause + explanation(code), error);
    }

    static Kind kind(int status, BlobErrorCode code) {
        if (BlobErrorCode.BLOB_ARCHIVED.equals(code) || BlobErrorCode.BLOB_BEING_REHYDRATED.equals(code)) {
            return Kind.OFFLINE; // a 409 like a conflict, but the blob is the same one: it is in the Archive tier
        }
        if (BlobErrorCode.MD5MISMATCH.equals(code) || BlobErrorCode.INVALID_MD5.equals(code)) {
            return Kind.CORRUPT;
        }
        if (BlobErrorCode.INVALID_RANGE.equals(code) || status == 416) {
            return Kind.CORRUPT; // the object is shorter than the range we recorded for it
        }
        if (BlobErrorCode.INVALID_BLOCK_LIST.equals(code)) {
            return Kind.PRECONDITION; // another commit of this blob discarded our staged blocks
        }
        if (BlobErrorCode.REQUEST_BODY_TOO_LARGE.equals(code) || status == 413) {
            return Kind.TOO_LARGE;
        }
        switch (status) {
            case 401, 403:
                return Kind.PERMISSION;
            case 404:
                return Kind.NOT_FOUND;
            case 409, 412:
                return Kind.PRECONDITION;
            case 408, 429:
                return Kind.TRANSIENT;
            default:
                break;
        }
        if (status >= 500) {
            return Kind.TRANSIENT;
        }
        return Kind.INVALID;
    }

    private static String explanation(BlobErrorCode code) {
        if (BlobErrorCode.BLOB_ARCHIVED.equals(code)) {
            return " (the blob is in the Archive tier: it cannot be read until it is rehydrated to an online tier)";
        }
        if (BlobErrorCode.BLOB_BEING_REHYDRATED.equals(code)) {
            return " (the blob is being rehydrated from the Archive tier)";
        }
        if (BlobErrorCode.INVALID_BLOCK_LIST.equals(code)) {
            return " (another upload committed this blob meanwhile and discarded this upload's staged blocks)";
        }
        if (BlobErrorCode.SNAPSHOTS_PRESENT.equals(code)) {
            return " (preserved versions of another file's copy hang on this blob; they are never deleted with it)";
        }
        if (BlobErrorCode.BLOB_ALREADY_EXISTS.equals(code)) {
            return " (the name holds an object this writer did not expect)";
        }
        if (BlobErrorCode.MD5MISMATCH.equals(code)) {
            return " (the data the service received does not match its Content-MD5)";
        }
        if (BlobErrorCode.CONDITION_NOT_MET.equals(code)) {
            return " (the object's ETag is not the expected one: it was replaced)";
        }
        if (BlobErrorCode.AUTHENTICATION_FAILED.equals(code)) {
            return " (check the account key or SAS token)";
        }
        return "";
    }

    private static boolean isTimeout(Throwable error) {
        return hasCause(error, TimeoutException.class) || hasCause(error, java.net.SocketTimeoutException.class)
                || hasCause(error, java.net.http.HttpTimeoutException.class);
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootCauseClass(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}

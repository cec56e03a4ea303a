package io.azlhsm.testcluster.datalake;

/**
 * A failed Data Lake request as the service answers it: an HTTP status, the {@code x-ms-error-code} header and the
 * JSON body {@code {"error":{"code":...,"message":...}}}. Codes and messages are the service's own (Path - Create,
 * Path - Delete, Path - Update, Path - List, Path - Get Properties reference pages and the Data Lake error-code list).
 */
final class DfsError extends Exception {
    private final int status;
    private final String code;

    DfsError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static DfsError filesystemNotFound() {
        return new DfsError(404, "FilesystemNotFound", "The specified filesystem does not exist.");
    }

    static DfsError pathNotFound() {
        return new DfsError(404, "PathNotFound", "The specified path does not exist.");
    }

    static DfsError sourcePathNotFound() {
        return new DfsError(404, "SourcePathNotFound", "The source path for a rename operation does not exist.");
    }

    static DfsError renameDestinationParentNotFound() {
        return new DfsError(404, "RenameDestinationParentPathNotFound",
                "The parent directory of the destination path does not exist.");
    }

    static DfsError pathAlreadyExists() {
        return new DfsError(409, "PathAlreadyExists", "The specified path already exists.");
    }

    static DfsError pathConflict() {
        return new DfsError(409, "PathConflict",
                "The specified path, or an element of the path, exists and its resource type is invalid for this"
                        + " operation.");
    }

    static DfsError directoryNotEmpty() {
        return new DfsError(409, "DirectoryNotEmpty", "The recursive query parameter value must be true to delete a"
                + " non-empty directory.");
    }

    /** A rename's source conditions (x-ms-source-if-*): the service names the source, as for Copy Blob's. */
    static DfsError sourceConditionNotMet() {
        return new DfsError(412, "SourceConditionNotMet", "The source condition specified using HTTP conditional"
                + " header(s) is not met.");
    }

    static DfsError conditionNotMet() {
        return new DfsError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not"
                + " met.");
    }

    static DfsError invalidQueryParameter(String name) {
        return new DfsError(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in"
                + " the request URI is invalid: " + name);
    }

    static DfsError missingQueryParameter(String name) {
        return new DfsError(400, "MissingRequiredQueryParameter", "A query parameter that's mandatory for this"
                + " request is not specified: " + name);
    }

    static DfsError invalidHeader(String name) {
        return new DfsError(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct"
                + " format: " + name);
    }

    /**
     * A malformed x-ms-acl: 400 with the service's own code, spelled as the service spells it ("Invald"), and its
     * message, as the Azure SDK for .NET's DataLake tests record them (SetAccessControlAsync_Error: an ACL "asdf").
     */
    static DfsError invalidAccessControlList() {
        return new DfsError(400, "InvaldAccessControlList", "The access control list value is invalid.");
    }

    static DfsError invalidInput(String why) {
        return new DfsError(400, "InvalidInput", "One of the request inputs is not valid: " + why);
    }

    static DfsError unsupported(String what) {
        return new DfsError(501, "NotImplemented", "The Data Lake stand-in does not implement " + what
                + " (see test-cluster/README.md).");
    }
}

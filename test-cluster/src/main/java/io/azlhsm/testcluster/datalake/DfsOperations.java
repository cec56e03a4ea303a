package io.azlhsm.testcluster.datalake;

import com.azure.storage.blob.BlobContainerClient;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The implemented operations, each following its REST reference page (Path - Create, Path - Get Properties,
 * Path - Update, Path - List, Path - Delete): which headers and query parameters they take, which checks they make in
 * which order, and what they answer. Authentication is not checked (see test-cluster/README.md).
 */
final class DfsOperations {
    /** Path - List: "If omitted or greater than 5,000, the response will include up to 5,000 items." */
    static final int MAX_RESULTS = 5000;

    private final PathStore store;

    DfsOperations(PathStore store) {
        this.store = store;
    }

    /** Path - Create: resource=file|directory, or a rename (x-ms-rename-source). Answers 201 with ETag. */
    DfsResponse create(DfsRequest request) throws DfsError {
        BlobContainerClient fs = store.filesystem(request.filesystem());
        if (request.path().isEmpty()) {
            throw DfsError.invalidInput("Path - Create needs a path");
        }
        String renameSource = request.header("x-ms-rename-source");
        if (renameSource != null) {
            return rename(request, fs, renameSource);
        }
        String resource = request.query("resource");
        if (resource == null) {
            throw DfsError.missingQueryParameter("resource");
        }
        if (!resource.equals("file") && !resource.equals("directory")) {
            throw DfsError.invalidQueryParameter("resource");
        }
        boolean directory = resource.equals("directory");
        String permissionsHeader = request.header("x-ms-permissions");
        String aclHeader = request.header("x-ms-acl");
        Integer permissions = permissionsHeader == null ? null : AccessControl.parseMode(permissionsHeader);
        if (permissionsHeader != null && permissions == null) {
            throw DfsError.invalidHeader("x-ms-permissions");
        }
        Integer umask = umask(request.header("x-ms-umask"));
        AccessControl acl = aclHeader == null ? null : AccessControl.parseAcl(aclHeader, false);
        if (aclHeader != null && acl == null) {
            throw DfsError.invalidAccessControlList();
        }
        if (acl != null && permissions != null) {
            throw DfsError.invalidInput("x-ms-permissions and x-ms-acl are mutually exclusive");
        }
        Map<String, String> properties = properties(request.header("x-ms-properties"));
        return store.change(() -> {
            Optional<PathRecord> existing = store.find(fs, request.path());
            Conditions.check(request, existing);
            if (existing.isPresent() && existing.get().directory() != directory) {
                throw DfsError.pathConflict();
            }
            AccessControl access = acl != null ? acl
                    : AccessControl.ofMode((permissions != null ? permissions : directory ? 0777 : 0666)
                            & ~umask & 07777 | (permissions != null ? permissions & 01000 : 0));
            String owner = valueOr(request.header("x-ms-owner"), BlobRecords.SUPERUSER);
            String group = valueOr(request.header("x-ms-group"), BlobRecords.SUPERUSER);
            if (!directory && existing.isPresent()) {
                store.delete(fs, existing.get()); // a file created again starts empty
            }
            PathRecord created = store.write(fs, request.path(), directory, owner, group, access, properties,
                    directory && existing.isPresent());
            return DfsResponse.empty(201).withRecord(created).header("x-ms-request-server-encrypted", "true");
        });
    }

    private DfsResponse rename(DfsRequest request, BlobContainerClient target, String header) throws DfsError {
        String source = header.contains("?") ? header.substring(0, header.indexOf('?')) : header;
        String[] parts = source.split("/", 3); // "", filesystem, path
        if (parts.length < 3 || !parts[0].isEmpty() || parts[2].isEmpty()) {
            throw DfsError.invalidHeader("x-ms-rename-source");
        }
        BlobContainerClient fs = store.filesystem(DfsRequest.percentDecode(parts[1]));
        String sourcePath = DfsRequest.percentDecode(parts[2]);
        while (sourcePath.endsWith("/")) {
            sourcePath = sourcePath.substring(0, sourcePath.length() - 1);
        }
        String from = sourcePath;
        return store.change(() -> {
            PathRecord sourceRecord = store.find(fs, from).orElseThrow(DfsError::sourcePathNotFound);
            Optional<PathRecord> existing = store.find(target, request.path());
            Conditions.check(request, existing);
            Conditions.checkSource(request, sourceRecord);
            int slash = request.path().lastIndexOf('/');
            if (slash > 0) {
                Optional<PathRecord> parent = store.find(target, request.path().substring(0, slash));
                if (parent.isEmpty()) {
                    throw DfsError.renameDestinationParentNotFound();
                }
                if (!parent.get().directory()) {
                    throw DfsError.pathConflict();
                }
            }
            if (sourceRecord.directory() && (request.path() + "/").startsWith(from + "/")
                    && fs.getBlobContainerName().equals(target.getBlobContainerName())) {
                throw DfsError.invalidInput("a directory cannot be moved into itself");
            }
            if (existing.isPresent()) {
                if (existing.get().directory() || sourceRecord.directory()) {
                    throw DfsError.pathAlreadyExists(); // the stand-in replaces only a file by a file
                }
                store.delete(target, existing.get());
            }
            store.rename(fs, sourceRecord, target, request.path());
            PathRecord moved = store.find(target, request.path()).orElseThrow(DfsError::pathNotFound);
            return DfsResponse.empty(201).withRecord(moved);
        });
    }

    /** Path - Get Properties: HEAD, optionally action=getAccessControl (or getStatus). No body. */
    DfsResponse getProperties(DfsRequest request) throws DfsError {
        BlobContainerClient fs = store.filesystem(request.filesystem());
        String action = request.query("action");
        if (action != null && !action.equals("getAccessControl") && !action.equals("getStatus")) {
            throw DfsError.invalidQueryParameter("action");
        }
        PathRecord record = store.find(fs, request.path()).orElseThrow(DfsError::pathNotFound);
        Conditions.check(request, Optional.of(record));
        DfsResponse response = DfsResponse.empty(200).withRecord(record)
                .header("x-ms-resource-type", record.directory() ? "directory" : "file")
                .header("x-ms-owner", record.owner())
                .header("x-ms-group", record.group())
                .header("x-ms-permissions", record.access().symbolic());
        if ("getAccessControl".equals(action)) {
            response.header("x-ms-acl", record.access().acl());
        } else {
            response.header("Content-Length", Long.toString(record.contentLength()))
                    .header("x-ms-creation-time", DfsResponse.httpDate(record.creationTime()));
            if (!record.metadata().isEmpty()) {
                response.header("x-ms-properties", properties(record.metadata()));
            }
            // The Data Lake SDK sends a HEAD without action to the blob endpoint (the same URL for an IP-style
            // endpoint) and reads a directory from its metadata, as Get Blob Properties on a real account answers it.
            record.metadata().forEach((name, value) -> response.header("x-ms-meta-" + name, value));
            if (record.directory()) {
                response.header("x-ms-meta-hdi_isfolder", "true");
            }
        }
        return response;
    }

    /** Path - Update: only action=setAccessControl. Answers 200 with the new ETag. */
    DfsResponse update(DfsRequest request) throws DfsError {
        BlobContainerClient fs = store.filesystem(request.filesystem());
        String action = request.query("action");
        if (action == null) {
            throw DfsError.missingQueryParameter("action");
        }
        if (!action.equals("setAccessControl")) {
            throw DfsError.unsupported("Path - Update action=" + action);
        }
        String permissionsHeader = request.header("x-ms-permissions");
        String aclHeader = request.header("x-ms-acl");
        if (permissionsHeader != null && aclHeader != null) {
            throw DfsError.invalidInput("x-ms-permissions and x-ms-acl are mutually exclusive");
        }
        Integer permissions = permissionsHeader == null ? null : AccessControl.parseMode(permissionsHeader);
        if (permissionsHeader != null && permissions == null) {
            throw DfsError.invalidHeader("x-ms-permissions");
        }
        return store.change(() -> {
            PathRecord record = store.find(fs, request.path()).orElseThrow(DfsError::pathNotFound);
            Conditions.check(request, Optional.of(record));
            if (request.path().isEmpty()) {
                throw DfsError.unsupported("access control on a filesystem's root directory");
            }
            AccessControl access = record.access();
            if (permissions != null) {
                access = access.withMode(permissions);
            }
            if (aclHeader != null) {
                access = AccessControl.parseAcl(aclHeader, access.sticky());
                if (access == null) {
                    throw DfsError.invalidAccessControlList();
                }
            }
            PathRecord updated = store.write(fs, request.path(), record.directory(),
                    valueOr(request.header("x-ms-owner"), record.owner()),
                    valueOr(request.header("x-ms-group"), record.group()), access, record.metadata(), true);
            return DfsResponse.empty(200).withRecord(updated).header("x-ms-namespace-enabled", "true");
        });
    }

    /** Path - Delete: a file, or a directory (recursive=true for one that is not empty). Answers 200. */
    DfsResponse delete(DfsRequest request) throws DfsError {
        BlobContainerClient fs = store.filesystem(request.filesystem());
        String recursive = request.query("recursive");
        if (recursive != null && !recursive.equals("true") && !recursive.equals("false")) {
            throw DfsError.invalidQueryParameter("recursive");
        }
        if (request.path().isEmpty()) {
            throw DfsError.invalidInput("Path - Delete needs a path");
        }
        return store.change(() -> {
            PathRecord record = store.find(fs, request.path()).orElseThrow(DfsError::pathNotFound);
            Conditions.check(request, Optional.of(record));
            if (record.directory() && !"true".equals(recursive)
                    && !store.list(fs, record.name(), false).isEmpty()) {
                throw DfsError.directoryNotEmpty();
            }
            store.delete(fs, record);
            return DfsResponse.empty(200);
        });
    }

    /** Path - List: GET on the filesystem with resource=filesystem. Answers 200 and {"paths":[...]}. */
    DfsResponse list(DfsRequest request) throws DfsError {
        String recursiveText = request.query("recursive");
        if (recursiveText == null) {
            throw DfsError.missingQueryParameter("recursive");
        }
        if (!recursiveText.equals("true") && !recursiveText.equals("false")) {
            throw DfsError.invalidQueryParameter("recursive");
        }
        int maxResults = MAX_RESULTS;
        if (request.query("maxResults") != null) {
            try {
                maxResults = Integer.parseInt(request.query("maxResults"));
            } catch (NumberFormatException e) {
                throw DfsError.invalidQueryParameter("maxResults");
            }
            if (maxResults < 1) {
                throw DfsError.invalidQueryParameter("maxResults");
            }
            maxResults = Math.min(maxResults, MAX_RESULTS);
        }
        BlobContainerClient fs = store.filesystem(request.filesystem());
        String directory = request.query("directory") == null ? "" : request.query("directory");
        while (directory.endsWith("/")) {
            directory = directory.substring(0, directory.length() - 1);
        }
        while (directory.startsWith("/")) {
            directory = directory.substring(1);
        }
        if (!directory.isEmpty()) {
            PathRecord record = store.find(fs, directory).orElseThrow(DfsError::pathNotFound);
            if (!record.directory()) {
                throw DfsError.pathConflict(); // the stand-in lists directories only
            }
        }
        String after = null;
        if (request.query("continuation") != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(request.query("continuation")),
                        java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw DfsError.invalidQueryParameter("continuation");
            }
        }
        List<PathRecord> all = store.list(fs, directory, recursiveText.equals("true"));
        StringBuilder json = new StringBuilder("{\"paths\":[");
        int count = 0;
        String last = null;
        boolean more = false;
        for (PathRecord path : all) {
            if (after != null && path.name().compareTo(after) <= 0) {
                continue;
            }
            if (count == maxResults) {
                more = true;
                break;
            }
            if (count++ > 0) {
                json.append(',');
            }
            PathJson.append(json, path);
            last = path.name();
        }
        json.append("]}");
        DfsResponse response = DfsResponse.json(200, json.toString());
        if (more) {
            response.header("x-ms-continuation", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(last.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return response;
    }

    private static Integer umask(String header) throws DfsError {
        if (header == null) {
            return BlobRecords.DEFAULT_UMASK;
        }
        if (!header.matches("[0-7]{4}")) {
            throw DfsError.invalidHeader("x-ms-umask");
        }
        return Integer.parseInt(header, 8);
    }

    /** x-ms-properties: "n1=base64(v1),n2=base64(v2)". */
    private static Map<String, String> properties(String header) throws DfsError {
        Map<String, String> properties = new HashMap<>();
        if (header == null || header.isEmpty()) {
            return properties;
        }
        for (String pair : header.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw DfsError.invalidHeader("x-ms-properties");
            }
            try {
                properties.put(pair.substring(0, eq).trim(), new String(Base64.getDecoder().decode(
                        pair.substring(eq + 1).trim()), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw DfsError.invalidHeader("x-ms-properties");
            }
        }
        return properties;
    }

    private static String properties(Map<String, String> metadata) {
        StringBuilder text = new StringBuilder();
        metadata.forEach((name, value) -> {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(name).append('=').append(Base64.getEncoder().encodeToString(
                    value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        });
        return text.toString();
    }

    private static String valueOr(String value, String otherwise) {
        return value == null || value.isEmpty() ? otherwise : value;
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(java.time.ZoneOffset.UTC);
    }
}

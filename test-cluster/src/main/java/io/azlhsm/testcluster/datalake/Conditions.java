package io.azlhsm.testcluster.datalake;

import java.util.Optional;

/**
 * The conditional headers of a path request (If-Match, If-None-Match; If-Modified-Since and If-Unmodified-Since are
 * not implemented) and, for a rename, of its source (x-ms-source-if-match, x-ms-source-if-none-match). A failed
 * condition is 412 ConditionNotMet, except If-None-Match: * on an existing path, which Path - Create answers with
 * 409 PathAlreadyExists, and a failed source condition, 412 SourceConditionNotMet.
 */
final class Conditions {
    private Conditions() {
    }

    static void check(DfsRequest request, Optional<PathRecord> existing) throws DfsError {
        check(request.header("If-Match"), request.header("If-None-Match"), existing, request.method().equals("PUT"));
    }

    static void checkSource(DfsRequest request, PathRecord source) throws DfsError {
        try {
            check(request.header("x-ms-source-if-match"), request.header("x-ms-source-if-none-match"),
                    Optional.of(source), false);
        } catch (DfsError failed) {
            throw DfsError.sourceConditionNotMet();
        }
    }

    private static void check(String ifMatch, String ifNoneMatch, Optional<PathRecord> existing, boolean create)
            throws DfsError {
        if (ifMatch != null) {
            if (existing.isEmpty() || !(ifMatch.equals("*") || same(ifMatch, existing.get().etag()))) {
                throw DfsError.conditionNotMet();
            }
        }
        if (ifNoneMatch != null && existing.isPresent()) {
            if (ifNoneMatch.equals("*")) {
                throw create ? DfsError.pathAlreadyExists() : DfsError.conditionNotMet();
            }
            if (same(ifNoneMatch, existing.get().etag())) {
                throw DfsError.conditionNotMet();
            }
        }
    }

    private static boolean same(String a, String b) {
        return strip(a).equals(strip(b));
    }

    private static String strip(String etag) {
        return etag.replace("\"", "");
    }
}

package io.azlhsm.testcluster.datalake;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the stand-in answers: a status, headers and an optional JSON body. */
final class DfsResponse {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final String json;

    private DfsResponse(int status, String json) {
        this.status = status;
        this.json = json;
    }

    static DfsResponse empty(int status) {
        return new DfsResponse(status, null);
    }

    static DfsResponse json(int status, String body) {
        DfsResponse response = new DfsResponse(status, body);
        response.header("Content-Type", "application/json;charset=utf-8");
        return response;
    }

    /** The error as the service answers it: x-ms-error-code and the JSON error body. */
    static DfsResponse error(DfsError error, String requestId) {
        String message = error.getMessage() + "\nRequestId:" + requestId + "\nTime:"
                + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
                .format(OffsetDateTime.now(ZoneOffset.UTC));
        DfsResponse response = json(error.status(), "{\"error\":{\"code\":\"" + PathJson.escape(error.code())
                + "\",\"message\":\"" + PathJson.escape(message) + "\"}}");
        response.header("x-ms-error-code", error.code());
        return response;
    }

    DfsResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    DfsResponse withRecord(PathRecord record) {
        header("ETag", record.etag());
        header("Last-Modified", httpDate(record.lastModified()));
        return this;
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }

    String body() {
        return json;
    }

    /**
     * An HTTP date as the service sends it (RFC 7231's IMF-fixdate: two-digit day, GMT). Java's RFC_1123_DATE_TIME
     * writes a one-digit day ("Mon, 7 Dec 2026"), which the Azure SDK logs as an invalid date before falling back.
     */
    static String httpDate(OffsetDateTime time) {
        return IMF_FIXDATE.format(time.atZoneSameInstant(ZoneOffset.UTC));
    }

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);
}

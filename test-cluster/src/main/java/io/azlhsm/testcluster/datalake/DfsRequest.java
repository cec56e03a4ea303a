package io.azlhsm.testcluster.datalake;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request to the dfs endpoint, taken apart: the filesystem and path from a path-style URL
 * ({@code /<account>/<filesystem>/<path>}, as for an IP-style endpoint), the query parameters and the headers.
 */
final class DfsRequest {
    private final HttpExchange exchange;
    private final String filesystem;
    private final String path;
    private final Map<String, String> query;

    private DfsRequest(HttpExchange exchange, String filesystem, String path, Map<String, String> query) {
        this.exchange = exchange;
        this.filesystem = filesystem;
        this.path = path;
        this.query = query;
    }

    static DfsRequest of(HttpExchange exchange) throws DfsError {
        String raw = exchange.getRequestURI().getRawPath();
        String[] parts = raw.split("/", 4); // "", account, filesystem, path
        if (parts.length < 3 || parts[2].isEmpty()) {
            throw DfsError.invalidQueryParameter("the URL names no filesystem: " + raw);
        }
        String path = parts.length == 4 ? percentDecode(parts[3]) : "";
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new DfsRequest(exchange, percentDecode(parts[2]), path, parseQuery(exchange.getRequestURI().getRawQuery()));
    }

    String method() {
        return exchange.getRequestMethod();
    }

    String filesystem() {
        return filesystem;
    }

    String path() {
        return path;
    }

    String query(String name) {
        return query.get(name);
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** Reads and drops the body (none of the implemented operations takes one). */
    void drainBody() throws java.io.IOException {
        exchange.getRequestBody().transferTo(new ByteArrayOutputStream());
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            values.put(percentDecode(name).toLowerCase(Locale.ROOT).equals("maxresults") ? "maxResults"
                    : percentDecode(name), percentDecode(value));
        }
        return values;
    }

    /** RFC 3986 percent-decoding ('+' stays '+': paths and SAS values are not form-encoded). */
    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

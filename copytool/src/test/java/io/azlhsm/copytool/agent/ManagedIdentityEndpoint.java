package io.azlhsm.copytool.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in for the App Service managed identity endpoint on 127.0.0.1, speaking the protocol azure-identity uses
 * wherever {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} are set: {@code GET ?api-version=2019-08-01&
 * resource=...[&client_id=...]} with the header value in {@code X-IDENTITY-HEADER}, answered with a JSON token.
 *
 * <p>The token is a JWT that Azurite's {@code --oauth basic} accepts: storage audience, an Entra issuer, and a
 * lifetime around now (Azurite does not check signatures). A request without the right header gets 401, as on Azure.
 */
final class ManagedIdentityEndpoint implements AutoCloseable {
    static final String STORAGE_RESOURCE = "https://storage.azure.com";

    private final HttpServer server;
    private final String identityHeader;
    private final String accessToken;
    private final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());

    private ManagedIdentityEndpoint(HttpServer server, String identityHeader, String accessToken) {
        this.server = server;
        this.identityHeader = identityHeader;
        this.accessToken = accessToken;
    }

    static ManagedIdentityEndpoint start() throws IOException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        ManagedIdentityEndpoint endpoint = new ManagedIdentityEndpoint(server, HexFormat.of().formatHex(random),
                jwt(Instant.now(), Duration.ofHours(1)));
        server.createContext("/msi/token", endpoint::answer);
        server.start();
        return endpoint;
    }

    /** What the agent process needs in its environment to find this endpoint, as on App Service. */
    Map<String, String> environment() {
        return Map.of("IDENTITY_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token",
                "IDENTITY_HEADER", identityHeader);
    }

    /** The token handed out, to check that it never reaches a log. */
    String accessToken() {
        return accessToken;
    }

    /** The query parameters of every token request that carried the right header. */
    List<Map<String, String>> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!identityHeader.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))) {
                send(exchange, 401, "{\"error\":\"invalid_request\",\"error_description\":\"identity header\"}");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            requests.add(query);
            if (!STORAGE_RESOURCE.equals(query.get("resource"))) {
                send(exchange, 400, "{\"error\":\"invalid_resource\"}");
                return;
            }
            long expiresOn = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
            send(exchange, 200, "{\"access_token\":\"" + accessToken + "\",\"expires_on\":\"" + expiresOn
                    + "\",\"resource\":\"" + STORAGE_RESOURCE + "\",\"token_type\":\"Bearer\",\"client_id\":\""
                    + query.getOrDefault("client_id", "00000000-0000-0000-0000-000000000000") + "\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    /** An unsigned-in-effect JWT with the claims Azurite checks: aud, iss, iat, nbf, exp. */
    static String jwt(Instant now, Duration lifetime) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"typ\":\"JWT\",\"alg\":\"RS256\"}";
        long issued = now.minusSeconds(60).getEpochSecond();
        String claims = "{\"aud\":\"" + STORAGE_RESOURCE + "\",\"iss\":\"https://sts.windows.net/" + UUID.randomUUID()
                + "/\",\"iat\":" + issued + ",\"nbf\":" + issued + ",\"exp\":" + now.plus(lifetime).getEpochSecond()
                + ",\"oid\":\"" + UUID.randomUUID() + "\"}";
        byte[] signature = new byte[64];
        new SecureRandom().nextBytes(signature);
        return base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + base64.encodeToString(signature);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

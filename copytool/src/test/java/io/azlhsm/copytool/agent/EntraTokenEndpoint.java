package io.azlhsm.copytool.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.azlhsm.testcluster.harness.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for Microsoft Entra ID's token service on 127.0.0.1 over HTTPS (MSAL talks to authorities over TLS
 * only), as workload identity federation uses it: {@code POST /{tenant}/oauth2/v2.0/token} with
 * {@code grant_type=client_credentials}, the client id, the storage scope and the pod's service account token as
 * {@code client_assertion}. A request whose tenant, client or assertion is wrong gets Entra's 400/401 answers; a right
 * one gets a JWT that Azurite's {@code --oauth basic} accepts ({@link ManagedIdentityEndpoint#jwt}).
 *
 * <p>For this flow (client credentials with an assertion) MSAL 1.19 asks for nothing else: no instance discovery,
 * no openid-configuration document; it builds the token URL from authority host and tenant. Anything else gets 404,
 * and every request path is recorded, so the test sees what MSAL asked for.
 */
final class EntraTokenEndpoint implements AutoCloseable {
    static final String STORAGE_SCOPE = "https://storage.azure.com/.default";
    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final HttpsServer server;
    private final String tenantId;
    private final String clientId;
    private final String expectedAssertion;
    private final String accessToken;
    private final List<String> paths = Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, String>> tokenRequests = Collections.synchronizedList(new ArrayList<>());

    private EntraTokenEndpoint(HttpsServer server, String tenantId, String clientId, String expectedAssertion) {
        this.server = server;
        this.tenantId = tenantId;
        this.clientId = clientId;
        this.expectedAssertion = expectedAssertion;
        this.accessToken = ManagedIdentityEndpoint.jwt(Instant.now(), Duration.ofHours(1));
    }

    /** Serves with {@code certificate} (the one Azurite uses, so the agent needs one trust store for both). */
    static EntraTokenEndpoint start(SelfSignedCertificate certificate, String tenantId, String clientId,
                                    String expectedAssertion) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(certificate)));
        EntraTokenEndpoint endpoint = new EntraTokenEndpoint(server, tenantId, clientId, expectedAssertion);
        server.createContext("/", endpoint::answer);
        server.start();
        return endpoint;
    }

    /** The authority host, as AZURE_AUTHORITY_HOST names it. */
    String authorityHost() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    String accessToken() {
        return accessToken;
    }

    /** Method and path (no query) of every request, in order. */
    List<String> paths() {
        synchronized (paths) {
            return List.copyOf(paths);
        }
    }

    /** The form parameters of every token request. */
    List<Map<String, String>> tokenRequests() {
        synchronized (tokenRequests) {
            return List.copyOf(tokenRequests);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            paths.add(exchange.getRequestMethod() + " " + path);
            if (!exchange.getRequestMethod().equals("POST") || !path.equals("/" + tenantId + "/oauth2/v2.0/token")) {
                send(exchange, 404, "{\"error\":\"not_found\",\"error_description\":\"" + path + "\"}");
                return;
            }
            Map<String, String> form = form(exchange.getRequestBody());
            tokenRequests.add(form);
            if (!"client_credentials".equals(form.get("grant_type")) || !STORAGE_SCOPE.equals(form.get("scope"))
                    || !ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
                send(exchange, 400, "{\"error\":\"invalid_request\"}");
                return;
            }
            if (!clientId.equals(form.get("client_id"))) {
                send(exchange, 400, "{\"error\":\"unauthorized_client\"}");
                return;
            }
            if (!expectedAssertion.equals(form.get("client_assertion"))) {
                send(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700213\"}");
                return;
            }
            send(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                    + "\"access_token\":\"" + accessToken + "\"}");
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> form(InputStream body) throws IOException {
        Map<String, String> parameters = new HashMap<>();
        String raw = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static SSLContext serverContext(SelfSignedCertificate certificate) throws IOException {
        try (InputStream in = Files.newInputStream(certificate.keyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, certificate.password().toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, certificate.password().toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load " + certificate.keyStore(), e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

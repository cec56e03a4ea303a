package io.azlhsm.testcluster.harness;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class AzuriteServerIT {

    @Test
    void answersHttpOnLoopbackAndLeavesNoProcessAfterClose() throws Exception {
        AzuriteServer server = AzuriteServer.start();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.blobEndpoint() + "?comp=list")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            // Anonymous listing is refused, but the refusal is Azurite's own XML error: the service is up.
            assertTrue(response.body().contains("<Error>") || response.statusCode() == 200,
                    "unexpected answer: " + response.statusCode() + " " + response.body());
        } finally {
            server.close();
        }
        assertFalse(server.isRunning(), "Azurite still running after close");
        assertFalse(accepts(server.port()), "port " + server.port() + " still accepting after close");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}

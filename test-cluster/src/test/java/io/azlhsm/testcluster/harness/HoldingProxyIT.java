package io.azlhsm.testcluster.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HoldingProxyIT {

    /**
     * A request held for longer than Azurite keeps an idle connection (5 s) is still sent once, and answered: the
     * proxy does not pass Azurite's close on to the client, which would send the request again, past the hold.
     */
    @Test
    void aRequestHeldPastAzuritesKeepAliveIsSentOnceAndAnswered() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); HoldingProxy proxy = HoldingProxy.start(azurite)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String listing = proxy.blobEndpoint() + "?comp=list&n=";
            // a first exchange leaves a kept-alive connection, client to proxy and proxy to Azurite, for the second
            HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(listing + "1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(first.body().contains("<Error>") || first.statusCode() == 200, first.body());

            AtomicInteger seen = new AtomicInteger();
            try (HoldingProxy.Hold hold = proxy.hold("the second listing", request -> {
                boolean second = request.target().endsWith("&n=2");
                if (second) {
                    seen.incrementAndGet();
                }
                return second && seen.get() == 1;
            })) {
                CompletableFuture<HttpResponse<String>> answer = client.sendAsync(
                        HttpRequest.newBuilder(URI.create(listing + "2")).build(), HttpResponse.BodyHandlers.ofString());
                hold.awaitHeld(1, Duration.ofSeconds(30), () -> "answer: " + answer);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (proxy.idleClosesByServer() == 0) { // Azurite's keep-alive timeout ends the idle upstream
                    assertTrue(System.nanoTime() < deadline, "Azurite never closed the idle upstream connection");
                    Thread.sleep(100);
                }
                assertTrue(!answer.isDone(), "answered while held: " + answer);
                hold.release();
                HttpResponse<String> second = answer.get(30, TimeUnit.SECONDS);
                assertTrue(second.body().contains("<Error>") || second.statusCode() == 200, second.body());
            }
            assertEquals(1, seen.get(), "the held request was sent again past the hold");
        }
    }
}

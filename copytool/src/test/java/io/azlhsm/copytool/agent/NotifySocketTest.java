package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify's datagrams reach a socket bound at a path or in the abstract namespace, and the watchdog is read. */
class NotifySocketTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void sendsToAPathSocket(@TempDir Path dir) throws Exception {
        try (NotifyReceiver receiver = new NotifyReceiver(dir.resolve("notify").toString());
             NotifySocket socket = new NotifySocket(receiver.address())) {
            socket.send("READY=1\nSTATUS=serving");
            assertEquals(0, receiver.await("READY=1", 0, WAIT));
            assertEquals("READY=1\nSTATUS=serving", receiver.messages().get(0));
        }
    }

    @Test
    void sendsToAnAbstractSocket() throws Exception {
        String name = "@azlhsm-notify-test-" + ProcessHandle.current().pid();
        try (NotifyReceiver receiver = new NotifyReceiver(name);
             NotifySocket socket = new NotifySocket(name)) {
            socket.send("STOPPING=1");
            assertEquals(0, receiver.await("STOPPING=1", 0, WAIT));
        }
    }

    @Test
    void refusesWhatIsNoUnixSocketAddress() {
        IOException relative = assertThrows(IOException.class, () -> new NotifySocket("run/notify"));
        assertTrue(relative.getMessage().contains("NOTIFY_SOCKET=run/notify"), relative.getMessage());
        assertThrows(IOException.class, () -> new NotifySocket("/" + "x".repeat(120)));
    }

    @Test
    void aSendToNobodyIsAnErrorNamingTheSocket(@TempDir Path dir) throws Exception {
        try (NotifySocket socket = new NotifySocket(dir.resolve("absent").toString())) {
            IOException e = assertThrows(IOException.class, () -> socket.send("READY=1"));
            assertTrue(e.getMessage().contains("absent"), e.getMessage());
        }
    }

    @Test
    void theWatchdogIsOnlyForTheProcessSystemdNamed() {
        Map<String, String> mine = Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42");
        assertEquals(Optional.of(Duration.ofSeconds(30)), ServiceNotifier.watchdogInterval(mine::get, 42));
        assertEquals(Optional.empty(), ServiceNotifier.watchdogInterval(mine::get, 43));
        Map<String, String> anyPid = Map.of("WATCHDOG_USEC", "500000");
        assertEquals(Optional.of(Duration.ofMillis(500)), ServiceNotifier.watchdogInterval(anyPid::get, 7));
        assertEquals(Optional.empty(), ServiceNotifier.watchdogInterval(Map.<String, String>of()::get, 7));
        assertFalse(ServiceNotifier.fromEnvironment(Map.<String, String>of()::get, 7).enabled());
    }
}

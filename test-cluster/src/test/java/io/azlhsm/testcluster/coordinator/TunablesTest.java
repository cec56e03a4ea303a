package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.SimulatorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TunablesTest {
    @Test
    void defaultsAreLustres(@TempDir Path dir) {
        Tunables t = new Tunables(dir.resolve("t"));
        assertEquals("3", t.get("max_requests"));
        assertEquals("3600", t.get("active_request_timeout"));
        assertEquals("10", t.get("loop_period"));
        assertEquals("60", t.get("grace_delay"));
        assertEquals("1", t.get("default_archive_id"));
        assertEquals("[NRA] NBR", t.get("policy"));
        assertEquals("RESTORE", t.get("user_request_mask"));
    }

    @Test
    void policyTakesSignedAndPlainLists(@TempDir Path dir) throws SimulatorException {
        Tunables t = new Tunables(dir.resolve("t"));
        t.set("policy", "-NRA");
        assertEquals("NRA NBR", t.get("policy"));
        t.set("policy", "+NBR");
        assertEquals("NRA [NBR]", t.get("policy"));
        t.set("policy", "NRA");
        assertEquals("[NRA] NBR", t.get("policy"));
        assertThrows(SimulatorException.class, () -> t.set("policy", "BOGUS"));
    }

    @Test
    void persistedValuesComeBack(@TempDir Path dir) throws SimulatorException {
        Tunables t = new Tunables(dir.resolve("t"));
        t.set("max_requests", "9");
        t.set("policy", "-NRA");
        t.persist();
        Tunables again = new Tunables(dir.resolve("t"));
        assertEquals("9", again.get("max_requests"));
        assertEquals("NRA NBR", again.get("policy"));
        assertThrows(SimulatorException.class, () -> again.set("loop_period", "0"));
    }
}

package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LoggingSetupTest {
    @Test
    void oneLinePerRecordWithTimeLevelLoggerAndMessage() {
        LogRecord record = new LogRecord(Level.WARNING, "progress for {0} failed");
        record.setParameters(new Object[] {"[0x200000401:0x1:0x0]"});
        record.setLoggerName("io.azlhsm.copytool.agent.Completer");
        record.setMillis(1_763_771_000_123L);

        String line = new LoggingSetup.OneLineFormatter().format(record);

        assertEquals("2025-11-22T00:23:20.123Z WARNING io.azlhsm.copytool.agent.Completer: progress for"
                + " [0x200000401:0x1:0x0] failed" + System.lineSeparator(), line);
    }

    @Test
    void stackTraceFollowsTheLine() {
        LogRecord record = new LogRecord(Level.SEVERE, "boom");
        record.setLoggerName("x");
        record.setThrown(new IllegalStateException("cause here"));
        String text = new LoggingSetup.OneLineFormatter().format(record);
        assertTrue(text.contains("SEVERE x: boom") && text.contains("IllegalStateException: cause here"), text);
    }
}

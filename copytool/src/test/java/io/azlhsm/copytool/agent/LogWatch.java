package io.azlhsm.copytool.agent;

import io.azlhsm.testcluster.harness.Cluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages the copytool logs in this JVM while the watch is open, so that a test can wait for the agent to have
 * seen something (a cancel received, a reload applied) instead of guessing how long that takes.
 */
public final class LogWatch extends Handler implements AutoCloseable {
    // held strongly: java.util.logging keeps loggers only weakly, and a collected logger loses its handlers
    private final Logger logger = Logger.getLogger("io.azlhsm.copytool");
    private final List<String> messages = new ArrayList<>();

    public LogWatch() {
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        messages.add(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage());
        notifyAll();
    }

    /** Waits for a message containing {@code text}; on a timeout fails listing what was logged. */
    public void await(String text, Duration timeout) {
        Cluster.await("a log message containing '" + text + "'", timeout, () -> contains(text),
                () -> "logged:\n" + String.join("\n", snapshot()));
    }

    public synchronized boolean contains(String text) {
        return messages.stream().anyMatch(m -> m.contains(text));
    }

    public synchronized List<String> snapshot() {
        return List.copyOf(messages);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}

package io.azlhsm.copytool.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Configures java.util.logging for the command line: one line per record on stderr (journald adds its own
 * timestamps, but files redirected elsewhere need them), at the configured level for the copytool's loggers.
 */
public final class LoggingSetup {
    /** Parent of every copytool logger. */
    public static final String ROOT_LOGGER = "io.azlhsm";

    private LoggingSetup() {
    }

    /** Replaces the root handlers with one writing to {@code stream}; copytool loggers log at {@code level}. */
    public static void configure(Level level, PrintStream stream) {
        if (System.getProperty("java.util.logging.config.file") != null) {
            // The site brought its own handlers (conf/logging.properties); log.level still sets our loggers' level.
            Logger.getLogger(ROOT_LOGGER).setLevel(level);
            return;
        }
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler handler = new FlushingStreamHandler(stream);
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        // Third-party libraries (Azure SDK, Netty) stay at INFO unless asked otherwise; our loggers follow log.level.
        root.setLevel(level.intValue() < Level.INFO.intValue() ? Level.INFO : level);
        Logger.getLogger(ROOT_LOGGER).setLevel(level);
    }

    /** {@code 2026-11-22T00:43:26.123Z INFO io.azlhsm.copytool.X: message}, then the stack trace if any. */
    static final class OneLineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder()
                    .append(Instant.ofEpochMilli(record.getMillis()))
                    .append(' ').append(record.getLevel().getName())
                    .append(' ').append(record.getLoggerName())
                    .append(": ").append(formatMessage(record))
                    .append(System.lineSeparator());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }
    }

    /** A StreamHandler that flushes each record, so logs interleave correctly with other output. */
    private static final class FlushingStreamHandler extends StreamHandler {
        FlushingStreamHandler(PrintStream stream) {
            super(stream, new OneLineFormatter());
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }
    }
}

package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.ByteSize;
import io.azlhsm.copytool.config.DurationText;
import java.time.Duration;
import org.apache.commons.cli.CommandLine;

/** Reads the numeric options of the export, auto-export, prefetch and release commands, naming the option on error. */
final class JobOptionValues {
    private final CommandLine line;

    JobOptionValues(CommandLine line) {
        this.line = line;
    }

    int positiveInt(String option, int fallback) throws JobCliCommand.JobUsageException {
        String text = line.getOptionValue(option);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new JobCliCommand.JobUsageException("--" + option + " must be a whole number of 1 or more: " + text);
    }

    /** Archive id, 0 when not given (the job then takes the only configured archive). */
    int archive() throws JobCliCommand.JobUsageException {
        return line.hasOption("archive") ? positiveInt("archive", 0) : 0;
    }

    /** {@code 30s}, {@code 15m}, {@code 12h} as in the configuration, plus days: {@code 7d}. */
    Duration duration(String option, Duration fallback) throws JobCliCommand.JobUsageException {
        String text = line.getOptionValue(option);
        if (text == null) {
            return fallback;
        }
        String trimmed = text.strip();
        try {
            if (trimmed.endsWith("d") && trimmed.length() > 1) {
                return Duration.ofDays(Long.parseLong(trimmed.substring(0, trimmed.length() - 1).strip()));
            }
            return DurationText.parse(trimmed);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new JobCliCommand.JobUsageException("--" + option + " " + text + ": not a duration (a whole"
                    + " number with ms, s, m, h or d, e.g. 7d)");
        }
    }

    /** {@code 4096}, {@code 64KiB}, {@code 1GiB}. */
    long size(String option) throws JobCliCommand.JobUsageException {
        String text = line.getOptionValue(option);
        if (text == null) {
            return 0;
        }
        try {
            return ByteSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new JobCliCommand.JobUsageException("--" + option + " " + text + ": " + e.getMessage());
        }
    }
}

package io.azlhsm.copytool.config;

import java.time.Duration;

/** Durations as written in the config: a whole number with ms, s, m or h ({@code 500ms}, {@code 30s}, {@code 5m}). */
public final class DurationText {
    private DurationText() {
    }

    /**
     * @throws IllegalArgumentException with the reason, without the key (the caller names it)
     */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        int split = 0;
        while (split < trimmed.length() && Character.isDigit(trimmed.charAt(split))) {
            split++;
        }
        String unit = trimmed.substring(split).strip();
        if (split == 0 || unit.isEmpty()) {
            throw new IllegalArgumentException("not a duration (write a whole number with a unit: ms, s, m or h,"
                    + " e.g. 30s)");
        }
        long number;
        try {
            number = Long.parseLong(trimmed.substring(0, split));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration is too large");
        }
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(number);
                case "s" -> Duration.ofSeconds(number);
                case "m" -> Duration.ofMinutes(number);
                case "h" -> Duration.ofHours(number);
                default -> throw new IllegalArgumentException("unknown duration unit '" + unit
                        + "'; use ms, s, m or h");
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration is too large");
        }
    }

    /** {@code 10s}, {@code 500ms}, {@code 5m}: the largest exact unit. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}

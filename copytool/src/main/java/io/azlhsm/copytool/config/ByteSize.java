package io.azlhsm.copytool.config;

import java.util.Locale;

/** Byte counts as written in the config: plain bytes, or a number with KiB, MiB, GiB or TiB (powers of 1024). */
public final class ByteSize {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private ByteSize() {
    }

    /**
     * Parses {@code 8MiB}, {@code 64 KiB}, {@code 1GiB}, {@code 4096}. Units are case-insensitive; decimal units
     * (KB, MB) are refused because they are routinely misread as binary ones.
     *
     * @throws IllegalArgumentException with the reason, without the key (the caller names it)
     */
    public static long parse(String text) {
        String trimmed = text.strip();
        int split = 0;
        while (split < trimmed.length() && Character.isDigit(trimmed.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("not a size (write plain bytes or a whole number with KiB, MiB, "
                    + "GiB or TiB, e.g. 8MiB)");
        }
        String unit = trimmed.substring(split).strip();
        long number;
        try {
            number = Long.parseLong(trimmed.substring(0, split));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size is too large");
        }
        int shift = shiftOf(unit);
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size is too large");
        }
        return number << shift;
    }

    private static int shiftOf(String unit) {
        if (unit.isEmpty() || unit.equalsIgnoreCase("B")) {
            return 0;
        }
        for (int i = 0; i < UNITS.length; i++) {
            if (unit.equalsIgnoreCase(UNITS[i])) {
                return 10 * (i + 1);
            }
        }
        String hint = switch (unit.toUpperCase(Locale.ROOT)) {
            case "K", "KB" -> " (did you mean KiB?)";
            case "M", "MB" -> " (did you mean MiB?)";
            case "G", "GB" -> " (did you mean GiB?)";
            case "T", "TB" -> " (did you mean TiB?)";
            default -> "";
        };
        throw new IllegalArgumentException("unknown size unit '" + unit + "'" + hint
                + "; use KiB, MiB, GiB, TiB or plain bytes");
    }

    /** The largest exact unit: {@code 8MiB}, {@code 1536KiB}, {@code 1000}. */
    public static String format(long bytes) {
        for (int i = UNITS.length - 1; i >= 0; i--) {
            int shift = 10 * (i + 1);
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + UNITS[i];
            }
        }
        return Long.toString(bytes);
    }
}

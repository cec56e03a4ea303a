package io.azlhsm.testcluster.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of the libhsmsim protocol: a verb and key=value pairs, values percent-encoded so a line never holds a
 * space, '=', '%', control or non-ASCII byte. Keys may repeat (e.g. one {@code item=} per request item), in order.
 */
public final class Message {
    private final String verb;
    private final List<String[]> pairs = new ArrayList<>();

    public Message(String verb) {
        this.verb = verb;
    }

    public String verb() {
        return verb;
    }

    public Message put(String key, Object value) {
        pairs.add(new String[] {key, String.valueOf(value)});
        return this;
    }

    /** The first value of key. */
    public String get(String key) {
        for (String[] p : pairs) {
            if (p[0].equals(key)) {
                return p[1];
            }
        }
        throw new IllegalArgumentException("missing " + key);
    }

    public String get(String key, String fallback) {
        for (String[] p : pairs) {
            if (p[0].equals(key)) {
                return p[1];
            }
        }
        return fallback;
    }

    public List<String> all(String key) {
        List<String> values = new ArrayList<>();
        for (String[] p : pairs) {
            if (p[0].equals(key)) {
                values.add(p[1]);
            }
        }
        return values;
    }

    /** A decimal that may be written as unsigned 64-bit (C's %llu), e.g. an extent length of -1. */
    public long getLong(String key) {
        return Long.parseUnsignedLong(get(key));
    }

    public int getInt(String key) {
        return (int) Long.parseLong(get(key));
    }

    public static Message parse(String line) {
        String[] tokens = line.trim().split(" ");
        Message m = new Message(tokens[0]);
        for (int i = 1; i < tokens.length; i++) {
            if (tokens[i].isEmpty()) {
                continue;
            }
            int eq = tokens[i].indexOf('=');
            if (eq < 0) {
                m.put(decode(tokens[i]), "");
            } else {
                m.put(tokens[i].substring(0, eq), decode(tokens[i].substring(eq + 1)));
            }
        }
        return m;
    }

    /** The line without its newline. */
    public String format() {
        StringBuilder sb = new StringBuilder(verb);
        for (String[] p : pairs) {
            sb.append(' ').append(p[0]).append('=').append(encode(p[1]));
        }
        return sb.toString();
    }

    static String encode(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=') {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

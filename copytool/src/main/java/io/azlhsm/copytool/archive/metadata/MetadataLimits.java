package io.azlhsm.copytool.archive.metadata;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import java.util.Map;
import java.util.TreeMap;

/**
 * Azure's rules for blob metadata, checked before any request so a bad set fails with a clear message instead of a
 * service error, or (on Azurite, which does not enforce the size) a blob whose later reads fail.
 *
 * <ul>
 *   <li>names are C# identifiers (letters, digits, '_', not starting with a digit), unique ignoring case;</li>
 *   <li>values are printable ASCII without leading or trailing blanks (they travel as HTTP header values);</li>
 *   <li>names and values together are at most 8 KiB.</li>
 * </ul>
 */
public final class MetadataLimits {
    public static final int MAX_TOTAL_BYTES = 8 * 1024;

    private MetadataLimits() {
    }

    /** INVALID for a bad name or value, TOO_LARGE above 8 KiB; names {@code objectName} in the message. */
    public static void check(String objectName, Map<String, String> metadata) throws ArchiveException {
        Map<String, String> seen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        long total = 0;
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String name = entry.getKey();
            String value = entry.getValue();
            if (name == null || !isIdentifier(name)) {
                throw ArchiveException.of(Kind.INVALID, objectName,
                        "metadata name '" + name + "' is not a C# identifier (letters, digits, '_')");
            }
            String earlier = seen.put(name, name);
            if (earlier != null) {
                throw ArchiveException.of(Kind.INVALID, objectName,
                        "metadata names '" + earlier + "' and '" + name + "' differ only in case");
            }
            if (value == null) {
                throw ArchiveException.of(Kind.INVALID, objectName, "metadata '" + name + "' has no value");
            }
            checkValue(objectName, name, value);
            total += name.length() + value.length();
        }
        if (total > MAX_TOTAL_BYTES) {
            throw ArchiveException.of(Kind.TOO_LARGE, objectName,
                    "metadata names and values take " + total + " bytes; at most " + MAX_TOTAL_BYTES + " are allowed");
        }
    }

    /** [A-Za-z_][A-Za-z0-9_]*, without a regular expression: every name of every blob written passes here. */
    private static boolean isIdentifier(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static void checkValue(String objectName, String name, String value) throws ArchiveException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw ArchiveException.of(Kind.INVALID, objectName, "metadata '" + name
                        + "' has a character outside printable ASCII at index " + i);
            }
        }
        if (!value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ')) {
            throw ArchiveException.of(Kind.INVALID, objectName,
                    "metadata '" + name + "' starts or ends with a blank, which HTTP would strip");
        }
    }
}

package io.azlhsm.testcluster.datalake;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A path's POSIX access control as the Data Lake service keeps it: the access ACL (whose {@code user::},
 * {@code group::} or {@code mask::}, and {@code other::} entries are the permission bits, as in POSIX.1e), any
 * {@code default:} entries, and the sticky bit. Permissions arrive as 4-digit octal ({@code 0750}, {@code 1777}) or
 * symbolic ({@code rwxr-x---}, sticky as {@code t}/{@code T}); they are answered symbolic, with {@code +} appended
 * when the ACL has more than the three base entries (Path - Update, x-ms-permissions and x-ms-acl).
 */
record AccessControl(List<String> entries, boolean sticky) {
    private static final Pattern OCTAL = Pattern.compile("[01]?[0-7]{3}");
    private static final Pattern SYMBOLIC = Pattern.compile("[r-][w-][x-][r-][w-][x-][r-][w-][xtT-]\\+?");
    /** [default:]type:[id]:permissions; a mask or other entry names no one. */
    private static final Pattern ENTRY = Pattern.compile(
            "(default:)?((user|group):[^:,]*|(mask|other):):[r-][w-][x-]");

    AccessControl {
        entries = List.copyOf(entries);
    }

    /** The access control of a new path: {@code 0666} (file) or {@code 0777} (directory) less the umask. */
    static AccessControl ofMode(int mode) {
        return new AccessControl(List.of("user::" + bits(mode >> 6), "group::" + bits(mode >> 3), "other::" + bits(mode)),
                (mode & 01000) != 0);
    }

    /** Parses x-ms-permissions (octal or symbolic) to mode bits; null when malformed. */
    static Integer parseMode(String text) {
        if (OCTAL.matcher(text).matches()) {
            return Integer.parseInt(text, 8);
        }
        if (!SYMBOLIC.matcher(text).matches()) {
            return null;
        }
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            char c = text.charAt(i);
            if (c != '-' && c != 'T') {
                mode |= 1 << (8 - i);
            }
            if (i == 8 && (c == 't' || c == 'T')) {
                mode |= 01000;
            }
        }
        return mode;
    }

    /** Parses x-ms-acl; null when malformed or missing one of the three base access entries. */
    static AccessControl parseAcl(String text, boolean sticky) {
        List<String> entries = new ArrayList<>();
        for (String entry : text.split(",")) {
            String trimmed = entry.trim();
            if (!ENTRY.matcher(trimmed).matches()) {
                return null;
            }
            entries.add(trimmed);
        }
        AccessControl parsed = new AccessControl(entries, sticky);
        if (parsed.find("user::") == null || parsed.find("group::") == null || parsed.find("other::") == null) {
            return null;
        }
        return parsed;
    }

    /** The permission bits: owner, group class (mask when there is one), other, sticky. */
    int mode() {
        String groupClass = find("mask::") != null ? find("mask::") : find("group::");
        return (sticky ? 01000 : 0) | parseBits(find("user::")) << 6 | parseBits(groupClass) << 3
                | parseBits(find("other::"));
    }

    /** New permission bits, as chmod sets them: the mask (not the group entry) takes the group class when present. */
    AccessControl withMode(int mode) {
        String groupTag = find("mask::") != null ? "mask::" : "group::";
        List<String> updated = new ArrayList<>();
        for (String entry : entries) {
            if (entry.startsWith("user::")) {
                updated.add("user::" + bits(mode >> 6));
            } else if (entry.startsWith(groupTag)) {
                updated.add(groupTag + bits(mode >> 3));
            } else if (entry.startsWith("other::")) {
                updated.add("other::" + bits(mode));
            } else {
                updated.add(entry);
            }
        }
        return new AccessControl(updated, (mode & 01000) != 0);
    }

    /** x-ms-permissions as the service answers it. */
    String symbolic() {
        int mode = mode();
        StringBuilder text = new StringBuilder(bits(mode >> 6)).append(bits(mode >> 3)).append(bits(mode));
        if (sticky) {
            text.setCharAt(8, (mode & 1) != 0 ? 't' : 'T');
        }
        if (entries.size() > 3) {
            text.append('+');
        }
        return text.toString();
    }

    /** x-ms-acl as the service answers it. */
    String acl() {
        return String.join(",", entries);
    }

    private String find(String tag) {
        for (String entry : entries) {
            if (entry.startsWith(tag)) {
                return entry.substring(tag.length());
            }
        }
        return null;
    }

    private static String bits(int mode) {
        return ((mode & 4) != 0 ? "r" : "-") + ((mode & 2) != 0 ? "w" : "-") + ((mode & 1) != 0 ? "x" : "-");
    }

    private static int parseBits(String rwx) {
        return (rwx.charAt(0) == 'r' ? 4 : 0) | (rwx.charAt(1) == 'w' ? 2 : 0) | (rwx.charAt(2) == 'x' ? 1 : 0);
    }
}

package io.azlhsm.copytool.archive;

import io.azlhsm.copytool.archive.ArchiveException.Kind;

/**
 * The rules every object name follows, in either backend: Azure's limits (at most 1,024 characters and 254 path
 * segments) and the portability rules that keep a name from escaping the archive root or aliasing another name (no
 * empty, "." or ".." segments, no leading or trailing '/', no NUL).
 *
 * <p>Names that the blob service rewrites are never given to a file nor taken from a listing
 * ({@link #objectName}, {@link #relativePath}): Azure drops the dots that end a path segment (its naming rules: "no
 * path segments should end with a dot"), so {@code a.}, {@code a..} and {@code a} are one blob, {@code a./b} is
 * {@code a/b}, and a segment of dots only vanishes; and it turns every backslash into '/', so {@code a\b} is
 * {@code a/b}. Two files could then share one blob, silently. Escaping them would name the blob differently from the
 * file, which AMLFS and other tools reading the container would not understand, so such a file is refused, with an
 * error naming it (archive, export) and such a listed name too (import). Both backends follow the rule, so an archive
 * tree moves between them. {@link #validate} alone still accepts these names: a record written before this rule may
 * name one, and its copy must stay readable.
 */
public final class ObjectNames {
    public static final int MAX_NAME_LENGTH = 1024;
    public static final int MAX_SEGMENTS = 254;

    private final String prefix;

    /**
     * @param prefix the archive prefix, e.g. "" or "lustre/fs1" (a trailing '/' is added when missing)
     */
    public ObjectNames(String prefix) {
        this.prefix = normalizePrefix(prefix);
    }

    /** The normalized prefix: empty, or segments ending in '/'. */
    public String prefix() {
        return prefix;
    }

    /** The object name for a path relative to the mount. */
    public String objectName(String relativePath) throws ArchiveException {
        if (relativePath == null || relativePath.isEmpty()) {
            throw ArchiveException.of(Kind.INVALID, relativePath, "the relative path is empty");
        }
        if (relativePath.startsWith("/")) {
            throw ArchiveException.of(Kind.INVALID, relativePath, "the path must be relative to the mount, not absolute");
        }
        String name = prefix + relativePath;
        validate(name);
        refuseRewrittenNames(name);
        return name;
    }

    /**
     * The path relative to the mount for an object name: the inverse of {@link #objectName}. INVALID when the name is
     * outside the prefix or breaks a rule, so a listed name can never lead outside the mount (a leading '/' or a ".."
     * segment in a foreign blob's name is refused here, not resolved).
     */
    public String relativePath(String objectName) throws ArchiveException {
        validate(objectName);
        refuseRewrittenNames(objectName);
        if (!objectName.startsWith(prefix) || objectName.length() == prefix.length()) {
            throw ArchiveException.of(Kind.INVALID, objectName, "the name is not under the archive prefix '"
                    + prefix + "'");
        }
        return objectName.substring(prefix.length());
    }

    /** Checks a full object name; INVALID when it breaks a rule. */
    public static void validate(String name) throws ArchiveException {
        if (name == null || name.isEmpty()) {
            throw ArchiveException.of(Kind.INVALID, name, "an object name cannot be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw ArchiveException.of(Kind.INVALID, abbreviate(name),
                    "the name has " + name.length() + " characters; at most " + MAX_NAME_LENGTH + " are allowed");
        }
        if (name.indexOf('\0') >= 0) {
            throw ArchiveException.of(Kind.INVALID, name, "the name contains a NUL character");
        }
        int segments = 0;
        int start = 0;
        while (start <= name.length()) {
            int slash = name.indexOf('/', start);
            int end = slash < 0 ? name.length() : slash;
            String segment = name.substring(start, end);
            if (segment.isEmpty()) {
                throw ArchiveException.of(Kind.INVALID, name,
                        "empty path segment (leading, trailing or doubled '/') at offset " + start);
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw ArchiveException.of(Kind.INVALID, name, "'" + segment + "' path segments are not allowed");
            }
            segments++;
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        if (segments > MAX_SEGMENTS) {
            throw ArchiveException.of(Kind.INVALID, abbreviate(name),
                    "the name has " + segments + " path segments; at most " + MAX_SEGMENTS + " are allowed");
        }
    }

    /**
     * INVALID for a name the blob service would store under another name: a path segment ending with a dot, or a
     * backslash (see the class comment).
     */
    public static void refuseRewrittenNames(String name) throws ArchiveException {
        int backslash = name.indexOf('\\');
        if (backslash >= 0) {
            throw ArchiveException.of(Kind.INVALID, name, "the name contains a backslash (at offset " + backslash
                    + "), which Azure turns into '/': it would share a blob with another path");
        }
        int start = 0;
        while (start < name.length()) {
            int slash = name.indexOf('/', start);
            int end = slash < 0 ? name.length() : slash;
            String segment = name.substring(start, end);
            if (segment.endsWith(".")) {
                String kept = segment.replaceAll("\\.+$", "");
                throw ArchiveException.of(Kind.INVALID, name, "the path segment '" + segment + "' ends with a dot,"
                        + " which Azure drops: it would share a blob with " + (kept.isEmpty()
                        ? "the path without that segment" : "'" + kept + "'"));
            }
            start = end + 1;
        }
    }

    private static String normalizePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        try {
            validate(trimmed);
            refuseRewrittenNames(trimmed);
        } catch (ArchiveException e) {
            throw new IllegalArgumentException("invalid archive prefix: " + e.getMessage(), e);
        }
        return trimmed + "/";
    }

    private static String abbreviate(String name) {
        return name.length() <= 80 ? name : name.substring(0, 60) + "…(" + name.length() + " characters)";
    }
}

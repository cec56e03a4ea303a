package io.azlhsm.copytool.archive;

import io.azlhsm.copytool.archive.ArchiveException.Kind;

/**
 * The rules every object name follows, in either backend: Azure's limits (at most 1,024 characters and 254 path
 * segments) and the portability rules that keep a name from escaping the archive root or aliasing another name (no
 * empty, "." or ".." segments, no leading or trailing '/', no NUL).
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
        return name;
    }

    /**
     * The path relative to the mount for an object name: the inverse of {@link #objectName}. INVALID when the name is
     * outside the prefix or breaks a rule, so a listed name can never lead outside the mount (a leading '/' or a ".."
     * segment in a foreign blob's name is refused here, not resolved).
     */
    public String relativePath(String objectName) throws ArchiveException {
        validate(objectName);
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

    private static String normalizePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        try {
            validate(trimmed);
        } catch (ArchiveException e) {
            throw new IllegalArgumentException("invalid archive prefix: " + e.getMessage(), e);
        }
        return trimmed + "/";
    }

    private static String abbreviate(String name) {
        return name.length() <= 80 ? name : name.substring(0, 60) + "…(" + name.length() + " characters)";
    }
}

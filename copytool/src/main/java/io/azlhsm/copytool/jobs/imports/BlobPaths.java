package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.jobs.JobStore;
import java.nio.charset.StandardCharsets;

/**
 * Turns a blob's name (relative to the archive prefix) into a path relative to the import target, or says why it
 * cannot be one. Flat-namespace names use '/' as the directory separator. Refused: empty, "." and ".." segments
 * (never a path outside the target), segments over NAME_MAX (255 bytes), paths over PATH_MAX (4096 bytes), control
 * characters, unpaired UTF-16 surrogates (no file name encodes them), and the names Lustre or this tool reserve at the
 * file-system root ({@code .lustre}, {@code .azlhsm}, the import marker).
 */
final class BlobPaths {
    static final int NAME_MAX = 255;
    static final int PATH_MAX = 4096;

    private BlobPaths() {
    }

    /**
     * @param relative  the blob name without the archive prefix (a trailing '/' already removed for directory keys)
     * @param atFsRoot  true when the target directory is the file system's root
     * @param mountPathBytes length of the absolute target directory path, counted against PATH_MAX
     * @return null when the name is a safe relative path; otherwise why it is not
     */
    static String problem(String relative, boolean atFsRoot, int mountPathBytes) {
        if (relative.isEmpty()) {
            return "the name is empty below the archive prefix";
        }
        for (int i = 0; i < relative.length(); i++) {
            char c = relative.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "the name contains a control character (0x" + Integer.toHexString(c) + ") at offset " + i;
            }
            if (Character.isHighSurrogate(c) && (i + 1 >= relative.length()
                    || !Character.isLowSurrogate(relative.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(relative.charAt(i - 1)))) {
                return "the name contains an unpaired UTF-16 surrogate at offset " + i;
            }
        }
        String[] segments = relative.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                return "empty path segment (leading, trailing or doubled '/')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "'" + segment + "' path segments are not allowed";
            }
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > NAME_MAX) {
                return "segment " + (i + 1) + " has " + bytes + " bytes; at most " + NAME_MAX + " are allowed";
            }
        }
        if (atFsRoot && (segments[0].equals(".lustre") || segments[0].equals(JobStore.DIRECTORY_NAME)
                || segments.length == 1 && ImportMarker.isMarkerName(segments[0]))) {
            return "'" + segments[0] + "' is reserved in the file-system root";
        }
        int total = mountPathBytes + 1 + relative.getBytes(StandardCharsets.UTF_8).length;
        if (total >= PATH_MAX) {
            return "the path would have " + total + " bytes; at most " + (PATH_MAX - 1) + " are allowed";
        }
        return null;
    }
}

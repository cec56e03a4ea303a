package io.azlhsm.copytool.archive.metadata;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Maps a file's attributes to blob metadata and back.
 *
 * <p>Writes the keys Azure Managed Lustre writes and reads ({@code owner}, {@code group}, {@code permissions},
 * {@code modtime}, {@code hdi_isfolder}, {@code ftype}) so AMLFS and its tools understand our blobs, plus
 * {@code azlhsm_*} keys for what those lose: setuid/setgid, sub-second and access/change times, the FID, the data
 * version and the content MD5 (the archive adds the file's Lustre layout, {@link #LAYOUT}).
 *
 * <p>Reads every variant found in the wild, ignoring case (Azure metadata names are case-insensitive): {@code owner}
 * / {@code uid}, {@code group} / {@code gid}, {@code permissions} / {@code perm} as {@code %04o} or
 * {@code rwxrwxrwx[t]}, {@code modtime}, {@code hdi_isfolder}, {@code ftype=LNK}, {@code symlink=<target>}. Missing
 * or malformed values take AMLFS's defaults (uid and gid 0, files 0644, directories and symlinks 0777, mtime from
 * Last-Modified); each malformed value is reported in {@link Decoded#problems()} so an import can log it.
 */
public final class BlobMetadataCodec {
    /** Format version of our own keys; bump when their meaning changes. */
    public static final String FORMAT_VERSION = "1";

    public static final String OWNER = "owner";
    public static final String GROUP = "group";
    public static final String PERMISSIONS = "permissions";
    public static final String MODTIME = "modtime";
    public static final String IS_FOLDER = "hdi_isfolder";
    public static final String FILE_TYPE = "ftype";
    public static final String SYMLINK_FILE_TYPE = "LNK";
    public static final String SYMLINK_TARGET = "symlink";
    static final String OWNER_ALIAS = "uid";
    static final String GROUP_ALIAS = "gid";
    static final String PERMISSIONS_ALIAS = "perm";

    public static final String VERSION = "azlhsm_version";
    public static final String MODE = "azlhsm_mode";
    public static final String MTIME_NS = "azlhsm_mtime_ns";
    public static final String ATIME_NS = "azlhsm_atime_ns";
    public static final String CTIME_NS = "azlhsm_ctime_ns";
    public static final String FID = "azlhsm_fid";
    public static final String DATA_VERSION = "azlhsm_data_version";
    public static final String MD5 = "azlhsm_md5";
    /** CRC32C of the content (8 hex digits), written by archives that keep CRC32C instead of MD5 (posix). */
    public static final String CRC32C = "azlhsm_crc32c";
    /**
     * The file's Lustre layout (striping) at archive, as the hex of its {@code lustre.lov} value: travels with the
     * blob so that the file can be given the same striping again (the archive record on the file keeps it too).
     */
    public static final String LAYOUT = "azlhsm_lov";

    public static final int DEFAULT_FILE_MODE = 0644;
    public static final int DEFAULT_DIRECTORY_MODE = 0777;

    /** Go's reference layout "2006-01-02 15:04:05 -0700", as AMLFS writes modtime. */
    private static final DateTimeFormatter MODTIME_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", Locale.ROOT);
    private static final Pattern AMLFS_OCTAL_MODE = Pattern.compile("[0-1][0-7]{3}");
    private static final Pattern FULL_OCTAL_MODE = Pattern.compile("[0-7]{4}");
    private static final Pattern SYMBOLIC_MODE = Pattern.compile("([r-][w-][x-]){3}t?");
    private static final Pattern DECIMAL_ID = Pattern.compile("[0-9]{1,10}");
    private static final Pattern SIGNED_DECIMAL = Pattern.compile("-?[0-9]{1,19}");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Attributes read back from metadata, with what had to be ignored or defaulted and why. */
    public record Decoded(FileAttributes attributes, List<String> problems) {
        public Decoded {
            problems = List.copyOf(problems);
        }

        /** True for a symlink whose target is the blob's body rather than metadata. */
        public boolean symlinkTargetInBody() {
            return attributes.type() == FileType.SYMLINK && attributes.symlinkTarget() == null;
        }
    }

    /** The metadata to store with a file's blob. */
    public Map<String, String> encode(FileAttributes file) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(OWNER, Long.toString(file.uid()));
        metadata.put(GROUP, Long.toString(file.gid()));
        // AMLFS form: sticky kept, setuid/setgid dropped; the full mode goes in azlhsm_mode.
        metadata.put(PERMISSIONS, String.format(Locale.ROOT, "%04o", file.mode() & 01777));
        metadata.put(MODTIME, MODTIME_FORMAT.format(file.mtime().atOffset(ZoneOffset.UTC)));
        if (file.type() == FileType.DIRECTORY) {
            metadata.put(IS_FOLDER, "true");
        } else if (file.type() == FileType.SYMLINK) {
            metadata.put(FILE_TYPE, SYMLINK_FILE_TYPE);
            if (file.symlinkTarget() != null) {
                metadata.put(SYMLINK_TARGET, file.symlinkTarget());
            }
        }
        metadata.put(VERSION, FORMAT_VERSION);
        metadata.put(MODE, String.format(Locale.ROOT, "%04o", file.mode()));
        metadata.put(MTIME_NS, Long.toString(epochNanos(file.mtime())));
        if (file.atime() != null) {
            metadata.put(ATIME_NS, Long.toString(epochNanos(file.atime())));
        }
        if (file.ctime() != null) {
            metadata.put(CTIME_NS, Long.toString(epochNanos(file.ctime())));
        }
        if (file.fid() != null) {
            metadata.put(FID, file.fid());
        }
        if (file.dataVersion() != null) {
            metadata.put(DATA_VERSION, Long.toUnsignedString(file.dataVersion()));
        }
        if (file.md5() != null) {
            metadata.put(MD5, HexFormat.of().formatHex(file.md5()));
        }
        return metadata;
    }

    /**
     * Reads a blob's metadata back into attributes.
     *
     * @param metadata     the blob's metadata, names in any case
     * @param lastModified the blob's Last-Modified, the mtime when metadata has none
     */
    public Decoded decode(Map<String, String> metadata, Instant lastModified) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(metadata);
        List<String> problems = new ArrayList<>();

        FileType type = fileType(byName);
        String symlinkTarget = type == FileType.SYMLINK ? byName.get(SYMLINK_TARGET) : null;
        long uid = firstId(byName, problems, OWNER, OWNER_ALIAS);
        long gid = firstId(byName, problems, GROUP, GROUP_ALIAS);
        int mode = mode(byName, problems, type);
        Instant mtime = mtime(byName, problems, lastModified);
        Instant atime = nanosTime(byName, problems, ATIME_NS);
        Instant ctime = nanosTime(byName, problems, CTIME_NS);
        String fid = byName.get(FID);
        Long dataVersion = dataVersion(byName, problems);
        byte[] md5 = md5(byName, problems);
        return new Decoded(new FileAttributes(type, uid, gid, mode, mtime, atime, ctime, fid, dataVersion, md5,
                symlinkTarget), problems);
    }

    /**
     * The FID of the file a blob was archived from ({@value #FID}, as {@code [0xSEQ:0xOID:0xVER]}), without decoding
     * the rest: restore and remove compare it with the file's own before trusting a blob found by name alone.
     *
     * @return empty for a blob written by another tool (or by hand), which carries none
     */
    public Optional<String> fid(Map<String, String> metadata) {
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(FID)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    private static FileType fileType(Map<String, String> byName) {
        if ("true".equalsIgnoreCase(byName.get(IS_FOLDER))) {
            return FileType.DIRECTORY;
        }
        if (SYMLINK_FILE_TYPE.equalsIgnoreCase(byName.get(FILE_TYPE)) || byName.containsKey(SYMLINK_TARGET)) {
            return FileType.SYMLINK;
        }
        return FileType.FILE;
    }

    private static long firstId(Map<String, String> byName, List<String> problems, String... keys) {
        for (String key : keys) {
            String value = byName.get(key);
            if (value == null) {
                continue;
            }
            if (DECIMAL_ID.matcher(value).matches() && Long.parseLong(value) <= FileAttributes.MAX_ID) {
                return Long.parseLong(value);
            }
            problems.add(key + "='" + value + "' is not a 32-bit unsigned id");
        }
        return 0;
    }

    private static int mode(Map<String, String> byName, List<String> problems, FileType type) {
        String full = byName.get(MODE);
        if (full != null) {
            if (FULL_OCTAL_MODE.matcher(full).matches()) {
                return Integer.parseInt(full, 8);
            }
            problems.add(MODE + "='" + full + "' is not a 4-digit octal mode");
        }
        for (String key : new String[] {PERMISSIONS, PERMISSIONS_ALIAS}) {
            String value = byName.get(key);
            if (value == null) {
                continue;
            }
            if (AMLFS_OCTAL_MODE.matcher(value).matches()) {
                return Integer.parseInt(value, 8);
            }
            if (SYMBOLIC_MODE.matcher(value).matches()) {
                return symbolicMode(value);
            }
            problems.add(key + "='" + value + "' is neither [0-1][0-7]{3} nor rwxrwxrwx[t]");
        }
        return type == FileType.FILE ? DEFAULT_FILE_MODE : DEFAULT_DIRECTORY_MODE;
    }

    /** "rwxr-x---" is 0750; a tenth character 't' adds the sticky bit. */
    private static int symbolicMode(String value) {
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            if (value.charAt(i) != '-') {
                mode |= 1 << (8 - i);
            }
        }
        return value.length() == 10 ? mode | 01000 : mode;
    }

    private static Instant mtime(Map<String, String> byName, List<String> problems, Instant lastModified) {
        Instant precise = nanosTime(byName, problems, MTIME_NS);
        if (precise != null) {
            return precise;
        }
        String modtime = byName.get(MODTIME);
        if (modtime != null) {
            try {
                return OffsetDateTime.parse(modtime, MODTIME_FORMAT).toInstant();
            } catch (DateTimeParseException e) {
                problems.add(MODTIME + "='" + modtime + "' is not in the form 2006-01-02 15:04:05 -0700");
            }
        }
        return lastModified != null ? lastModified : Instant.EPOCH;
    }

    private static Instant nanosTime(Map<String, String> byName, List<String> problems, String key) {
        String value = byName.get(key);
        if (value == null) {
            return null;
        }
        if (SIGNED_DECIMAL.matcher(value).matches()) {
            try {
                long nanos = Long.parseLong(value);
                return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
            } catch (NumberFormatException outOfRange) {
                // reported below
            }
        }
        problems.add(key + "='" + value + "' is not a count of nanoseconds since the epoch");
        return null;
    }

    private static Long dataVersion(Map<String, String> byName, List<String> problems) {
        String value = byName.get(DATA_VERSION);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            problems.add(DATA_VERSION + "='" + value + "' is not an unsigned 64-bit number");
            return null;
        }
    }

    private static byte[] md5(Map<String, String> byName, List<String> problems) {
        String value = byName.get(MD5);
        if (value == null) {
            return null;
        }
        if (value.length() == 32) {
            try {
                return HexFormat.of().parseHex(value);
            } catch (IllegalArgumentException notHex) {
                // reported below
            }
        }
        problems.add(MD5 + "='" + value + "' is not 32 hexadecimal digits");
        return null;
    }

    private static long epochNanos(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), NANOS_PER_SECOND), time.getNano());
    }
}

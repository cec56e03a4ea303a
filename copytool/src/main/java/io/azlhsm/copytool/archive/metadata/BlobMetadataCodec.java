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
 * {@code modtime}, {@code hdi_isfolder}, {@code ftype}) so AMLFS and its tools understand our blobs, azcopy's symlink
 * marker {@code is_symlink=true} on symlink blobs (so {@code azcopy copy --preserve-symlinks} downloads them as
 * symlinks), plus {@code azlhsm_*} keys for what those lose: setuid/setgid, sub-second and access/change times, the
 * FID, the data version and the content MD5 (the archive adds the file's Lustre layout, {@link #LAYOUT}).
 *
 * <p>Reads every convention found in the wild, ignoring case (Azure metadata names are case-insensitive), told apart
 * by their keys ({@link MetadataStyle}): AMLFS's and the older variants ({@code owner} / {@code uid}, {@code group} /
 * {@code gid}, {@code permissions} / {@code perm} as {@code %04o} or {@code rwxrwxrwx[t]}, {@code modtime},
 * {@code hdi_isfolder}, {@code ftype=LNK}, {@code symlink=<target>}), azcopy's standard and AMLFS POSIX styles
 * ({@link AzcopyKeys}: {@code posix_owner}, {@code posix_group}, the decimal {@code st_mode}, nanosecond
 * {@code modtime}, {@code posix_atime}, {@code posix_ctime}, {@code is_symlink} and its other type markers) and
 * ours. Missing or malformed values take AMLFS's defaults (uid and gid 0, files 0644, directories and symlinks 0777,
 * mtime from Last-Modified); {@link Decoded#defaulted()} names each attribute that had to be defaulted and
 * {@link Decoded#problems()} each malformed value, so an import can count and report them.
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
    /** azcopy's symlink marker, written beside {@code ftype=LNK} on our symlink blobs. */
    public static final String IS_SYMLINK = AzcopyKeys.IS_SYMLINK;
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
    /**
     * A listed object's POSIX ACL ({@link PosixAcl#toHns} form, named entries by decimal id): never written to a
     * blob, put in the metadata of a listing by an archive that {@linkplain
     * io.azlhsm.copytool.archive.ArchiveBackend#carriesPosixAcls carries ACLs} (a hierarchical account's path ACL),
     * for import to give the stub or directory.
     */
    public static final String POSIX_ACL = "azlhsm_posix_acl";

    /** Keys of AMLFS's convention and its older variants: any of them means the blob carries POSIX metadata. */
    static final List<String> AMLFS_KEYS = List.of("owner", "group", "permissions", "modtime", "hdi_isfolder",
            "ftype", "symlink", "uid", "gid", "perm");

    /** The attribute names {@link Decoded#defaulted()} uses. */
    public static final String OWNER_ATTRIBUTE = "owner";
    public static final String GROUP_ATTRIBUTE = "group";
    public static final String MODE_ATTRIBUTE = "mode";
    public static final String MTIME_ATTRIBUTE = "mtime";

    public static final int DEFAULT_FILE_MODE = 0644;
    public static final int DEFAULT_DIRECTORY_MODE = 0777;

    /** Go's reference layout "2006-01-02 15:04:05 -0700", as AMLFS writes modtime. */
    private static final DateTimeFormatter MODTIME_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", Locale.ROOT);
    private static final Pattern AMLFS_OCTAL_MODE = Pattern.compile("[0-1][0-7]{3}");
    private static final Pattern FULL_OCTAL_MODE = Pattern.compile("[0-7]{4}");
    private static final Pattern SYMBOLIC_MODE = Pattern.compile("([r-][w-][x-]){3}t?");
    private static final Pattern DECIMAL_ID = Pattern.compile("[0-9]{1,10}");
    private static final Pattern DECIMAL_ST_MODE = Pattern.compile("[1-9][0-9]{3,5}");
    private static final Pattern SIGNED_DECIMAL = Pattern.compile("-?[0-9]{1,19}");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * Attributes read back from metadata.
     *
     * @param attributes  what the metadata says, defaults where it says nothing usable
     * @param style       whose conventions the keys follow
     * @param defaulted   the attributes among owner, group, mode (not for a symlink, whose mode means nothing) and
     *                    mtime that were missing or malformed and took AMLFS's default
     * @param problems    each malformed value, naming key and value
     * @param specialType "a FIFO", "a socket", ... when azcopy recorded a special file, which an import cannot make;
     *                    else null
     */
    public record Decoded(FileAttributes attributes, MetadataStyle style, List<String> defaulted,
                          List<String> problems, String specialType) {
        public Decoded {
            defaulted = List.copyOf(defaulted);
            problems = List.copyOf(problems);
        }

        /** True for a symlink whose target is the blob's body rather than metadata. */
        public boolean symlinkTargetInBody() {
            return attributes.type() == FileType.SYMLINK && attributes.symlinkTarget() == null;
        }
    }

    /**
     * A mode as at least four octal digits, as {@code %04o} prints it; without java.util.Formatter, whose parsing of
     * the format was 1.7% of the CPU of the threads archiving small files (two modes per blob).
     */
    static String octal4(int mode) {
        String digits = Integer.toOctalString(mode);
        return digits.length() >= 4 ? digits : "0000".substring(digits.length()) + digits;
    }

    /** The metadata to store with a file's blob. */
    public Map<String, String> encode(FileAttributes file) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(OWNER, Long.toString(file.uid()));
        metadata.put(GROUP, Long.toString(file.gid()));
        // AMLFS form: sticky kept, setuid/setgid dropped; the full mode goes in azlhsm_mode.
        metadata.put(PERMISSIONS, octal4(file.mode() & 01777));
        metadata.put(MODTIME, MODTIME_FORMAT.format(file.mtime().atOffset(ZoneOffset.UTC)));
        if (file.type() == FileType.DIRECTORY) {
            metadata.put(IS_FOLDER, "true");
        } else if (file.type() == FileType.SYMLINK) {
            metadata.put(FILE_TYPE, SYMLINK_FILE_TYPE);
            metadata.put(IS_SYMLINK, "true"); // azcopy's marker: AMLFS ignores it, azcopy ignores ftype
            if (file.symlinkTarget() != null) {
                metadata.put(SYMLINK_TARGET, file.symlinkTarget());
            }
        }
        metadata.put(VERSION, FORMAT_VERSION);
        metadata.put(MODE, octal4(file.mode()));
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
        List<String> defaulted = new ArrayList<>();
        MetadataStyle style = MetadataStyle.of(byName);

        Integer stMode = style == MetadataStyle.AZCOPY_STANDARD ? stMode(byName) : null;
        String special = stMode != null ? AzcopyKeys.specialType(stMode) : specialMarker(byName);
        FileType type = stMode != null ? typeOf(stMode) : fileType(byName);
        String symlinkTarget = type == FileType.SYMLINK ? byName.get(SYMLINK_TARGET) : null;
        Long uid = firstId(byName, problems, OWNER, AzcopyKeys.OWNER, OWNER_ALIAS);
        Long gid = firstId(byName, problems, GROUP, AzcopyKeys.GROUP, GROUP_ALIAS);
        Integer mode = mode(byName, problems, stMode);
        Instant mtime = mtime(byName, problems);
        if (uid == null) {
            defaulted.add(OWNER_ATTRIBUTE);
        }
        if (gid == null) {
            defaulted.add(GROUP_ATTRIBUTE);
        }
        if (mode == null && type != FileType.SYMLINK) {
            defaulted.add(MODE_ATTRIBUTE);
        }
        if (mtime == null) {
            defaulted.add(MTIME_ATTRIBUTE);
        }
        Instant atime = firstNanosTime(byName, problems, ATIME_NS, AzcopyKeys.ATIME_NS);
        Instant ctime = firstNanosTime(byName, problems, CTIME_NS, AzcopyKeys.CTIME_NS);
        String fid = byName.get(FID);
        Long dataVersion = dataVersion(byName, problems);
        byte[] md5 = md5(byName, problems);
        FileAttributes attributes = new FileAttributes(type, uid == null ? 0 : uid, gid == null ? 0 : gid,
                mode != null ? mode : type == FileType.FILE ? DEFAULT_FILE_MODE : DEFAULT_DIRECTORY_MODE,
                mtime != null ? mtime : lastModified != null ? lastModified : Instant.EPOCH, atime, ctime, fid,
                dataVersion, md5, symlinkTarget);
        return new Decoded(attributes, style, defaulted, problems, special);
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

    /**
     * The type of file a blob's metadata describe, read exactly as {@link #decode} reads it: azcopy's whole
     * {@code st_mode} in its standard style, else its type markers, else AMLFS's keys; a blob with none is a file.
     * Jobs that only sort blobs (a directory marker, a symlink's blob, a file's data) ask this, so that they never
     * disagree with what an import would make of the same blob.
     *
     * @param metadata the blob's metadata, names in any case
     */
    public static FileType typeOf(Map<String, String> metadata) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(metadata);
        Integer stMode = MetadataStyle.of(byName) == MetadataStyle.AZCOPY_STANDARD ? stMode(byName) : null;
        return stMode != null ? typeOf(stMode) : fileType(byName);
    }

    /**
     * The type azcopy's markers or AMLFS's keys name. {@code is_symlink} before {@code is_char_dev}, and
     * {@code is_socket} and {@code is_block_dev} before {@code hdi_isfolder}: azcopy marks a symlink as a character
     * device too, and a socket or block device as a folder too ({@link AzcopyKeys}).
     */
    private static FileType fileType(Map<String, String> byName) {
        if (isTrue(byName, AzcopyKeys.IS_SYMLINK)) {
            return FileType.SYMLINK;
        }
        if (isTrue(byName, IS_FOLDER) && !isTrue(byName, AzcopyKeys.IS_SOCKET)
                && !isTrue(byName, AzcopyKeys.IS_BLOCK_DEV)) {
            return FileType.DIRECTORY;
        }
        if (SYMLINK_FILE_TYPE.equalsIgnoreCase(byName.get(FILE_TYPE)) || byName.containsKey(SYMLINK_TARGET)) {
            return FileType.SYMLINK;
        }
        return FileType.FILE;
    }

    /** The special file azcopy's markers name (never for a symlink or directory), or null. */
    private static String specialMarker(Map<String, String> byName) {
        if (isTrue(byName, AzcopyKeys.IS_SYMLINK)) {
            return null;
        }
        if (isTrue(byName, AzcopyKeys.IS_SOCKET)) {
            return "a socket (" + AzcopyKeys.IS_SOCKET + "=true)";
        }
        if (isTrue(byName, AzcopyKeys.IS_BLOCK_DEV)) {
            return "a block device (" + AzcopyKeys.IS_BLOCK_DEV + "=true)";
        }
        if (isTrue(byName, IS_FOLDER)) {
            return null;
        }
        if (isTrue(byName, AzcopyKeys.IS_FIFO)) {
            return "a FIFO (" + AzcopyKeys.IS_FIFO + "=true)";
        }
        if (isTrue(byName, AzcopyKeys.IS_CHAR_DEV)) {
            return "a character device (" + AzcopyKeys.IS_CHAR_DEV + "=true)";
        }
        return null;
    }

    private static boolean isTrue(Map<String, String> byName, String key) {
        return "true".equalsIgnoreCase(byName.get(key));
    }

    /** azcopy's standard style: {@code permissions} is the whole st_mode in decimal; null when it is not one. */
    private static Integer stMode(Map<String, String> byName) {
        String value = byName.get(PERMISSIONS);
        if (value == null || !DECIMAL_ST_MODE.matcher(value).matches()) {
            return null;
        }
        long parsed = Long.parseLong(value);
        return AzcopyKeys.isStMode(parsed) ? (int) parsed : null;
    }

    private static FileType typeOf(int stMode) {
        return switch (stMode & AzcopyKeys.S_IFMT) {
            case AzcopyKeys.S_IFDIR -> FileType.DIRECTORY;
            case AzcopyKeys.S_IFLNK -> FileType.SYMLINK;
            default -> FileType.FILE; // a special file is refused by its specialType
        };
    }

    private static Long firstId(Map<String, String> byName, List<String> problems, String... keys) {
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
        return null;
    }

    /** Our full mode, else azcopy's st_mode, else AMLFS's permissions; null when none is usable. */
    private static Integer mode(Map<String, String> byName, List<String> problems, Integer stMode) {
        String full = byName.get(MODE);
        if (full != null) {
            if (FULL_OCTAL_MODE.matcher(full).matches()) {
                return Integer.parseInt(full, 8);
            }
            problems.add(MODE + "='" + full + "' is not a 4-digit octal mode");
        }
        if (stMode != null) {
            return stMode & 07777;
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
            problems.add(key + "='" + value + "' is neither [0-1][0-7]{3} nor rwxrwxrwx[t]"
                    + (key.equals(PERMISSIONS) ? " nor (with posix_owner) a decimal st_mode" : ""));
        }
        return null;
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

    /** Our nanoseconds, else {@code modtime} as AMLFS writes it or in nanoseconds (azcopy's standard style). */
    private static Instant mtime(Map<String, String> byName, List<String> problems) {
        Instant precise = nanosTime(byName, problems, MTIME_NS);
        if (precise != null) {
            return precise;
        }
        String modtime = byName.get(MODTIME);
        if (modtime != null) {
            if (SIGNED_DECIMAL.matcher(modtime).matches()) {
                return nanosTime(byName, problems, MODTIME);
            }
            try {
                return OffsetDateTime.parse(modtime, MODTIME_FORMAT).toInstant();
            } catch (DateTimeParseException e) {
                problems.add(MODTIME + "='" + modtime + "' is neither in the form 2006-01-02 15:04:05 -0700 nor"
                        + " nanoseconds since the epoch");
            }
        }
        return null;
    }

    private static Instant firstNanosTime(Map<String, String> byName, List<String> problems, String... keys) {
        for (String key : keys) {
            Instant time = nanosTime(byName, problems, key);
            if (time != null) {
                return time;
            }
        }
        return null;
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

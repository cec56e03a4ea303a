package io.azlhsm.copytool.archive.metadata;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A file's or directory's POSIX.1e ACL in the two forms it travels in between Lustre and an account with
 * hierarchical namespace:
 * <ul>
 * <li>the values of the xattrs {@value #ACCESS_XATTR} and {@value #DEFAULT_XATTR} as Linux hands them out
 *     (include/uapi/linux/posix_acl_xattr.h): a little-endian u32 version 2, then one 8-byte entry per ACE, u16 tag
 *     (USER_OBJ 0x01, USER 0x02, GROUP_OBJ 0x04, GROUP 0x08, MASK 0x10, OTHER 0x20), u16 permissions (r 4, w 2,
 *     x 1) and u32 id (a uid or gid for USER and GROUP, 0xFFFFFFFF for the others);</li>
 * <li>a Data Lake path's access control list ({@code x-ms-acl}):
 *     {@code user::rwx,user:1000:r-x,group::r-x,mask::r-x,other::---}, a directory's default entries after them
 *     with {@code default:} in front; named users and groups as decimal uid and gid, as AMLFS writes owners.</li>
 * </ul>
 * Both parsers check what the kernel checks (posix_acl_valid): one each of the owner, owning group and other entries,
 * at most one mask, a mask whenever there are named entries, no id named twice; so an ACL that parses here is one
 * Linux accepts, and one that does not parse is refused with the reason, never passed on in part. Entries are kept
 * in the kernel's order (by tag, named ones by id).
 */
public final class PosixAcl {
    public static final String ACCESS_XATTR = "system.posix_acl_access";
    public static final String DEFAULT_XATTR = "system.posix_acl_default";
    private static final int VERSION = 2;
    private static final long UNDEFINED_ID = 0xFFFF_FFFFL;
    private static final String DEFAULT_SCOPE = "default:";

    /** An entry's tag, with its xattr value and its x-ms-acl type. */
    public enum Tag {
        USER_OBJ(0x01, "user", false),
        USER(0x02, "user", true),
        GROUP_OBJ(0x04, "group", false),
        GROUP(0x08, "group", true),
        MASK(0x10, "mask", false),
        OTHER(0x20, "other", false);

        private final int value;
        private final String type;
        private final boolean named;

        Tag(int value, String type, boolean named) {
            this.value = value;
            this.type = type;
            this.named = named;
        }

        public boolean named() {
            return named;
        }

        static Tag of(int value) {
            for (Tag tag : values()) {
                if (tag.value == value) {
                    return tag;
                }
            }
            return null;
        }
    }

    /**
     * One ACE.
     *
     * @param id   the uid or gid of a named entry (0..0xFFFFFFFE), -1 for the others
     * @param perm read 4, write 2, execute 1
     */
    public record Entry(Tag tag, long id, int perm) {
        public Entry {
            Objects.requireNonNull(tag, "tag");
            if ((perm & ~7) != 0) {
                throw new IllegalArgumentException("permissions are 0..7, not " + perm);
            }
            if (tag.named() ? id < 0 || id >= UNDEFINED_ID : id != -1) {
                throw new IllegalArgumentException(tag + " with id " + id);
            }
        }

        String hns() {
            return tag.type + ":" + (tag.named() ? Long.toString(id) : "") + ":" + ((perm & 4) != 0 ? "r" : "-")
                    + ((perm & 2) != 0 ? "w" : "-") + ((perm & 1) != 0 ? "x" : "-");
        }
    }

    /** An ACL that is malformed in either form; the message says what is wrong (the caller names the file). */
    public static final class InvalidAclException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidAclException(String message) {
            super(message);
        }
    }

    private static final Comparator<Entry> KERNEL_ORDER = Comparator.comparingInt((Entry e) -> e.tag().value)
            .thenComparingLong(Entry::id);

    private final List<Entry> access;
    private final List<Entry> defaults;

    private PosixAcl(List<Entry> access, List<Entry> defaults) {
        this.access = List.copyOf(access);
        this.defaults = List.copyOf(defaults);
    }

    /**
     * The ACL of a file or directory from its xattrs.
     *
     * @param accessXattr   {@value #ACCESS_XATTR}, or null when the file has none (then its access ACL is its mode's
     *                      three base entries)
     * @param defaultXattr  {@value #DEFAULT_XATTR} (directories only), or null
     * @param mode          the file's permission bits, for an access ACL without xattr
     */
    public static PosixAcl fromXattrs(byte[] accessXattr, byte[] defaultXattr, int mode) throws InvalidAclException {
        List<Entry> access = accessXattr == null ? base(mode) : decode(accessXattr, "access");
        List<Entry> defaults = defaultXattr == null ? List.of() : decode(defaultXattr, "default");
        return new PosixAcl(access, defaults);
    }

    /** The base ACL of a mode: owner, owning group and other, no mask. */
    public static List<Entry> base(int mode) {
        return List.of(new Entry(Tag.USER_OBJ, -1, mode >> 6 & 7), new Entry(Tag.GROUP_OBJ, -1, mode >> 3 & 7),
                new Entry(Tag.OTHER, -1, mode & 7));
    }

    /**
     * A path's x-ms-acl. Named entries must name decimal ids: the caller maps or drops any other identity first.
     * An empty default scope is none.
     */
    public static PosixAcl fromHns(String text) throws InvalidAclException {
        if (text == null || text.isBlank()) {
            throw new InvalidAclException("the access control list is empty");
        }
        List<Entry> access = new ArrayList<>();
        List<Entry> defaults = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String ace = raw.trim();
            boolean inDefault = ace.startsWith(DEFAULT_SCOPE);
            (inDefault ? defaults : access).add(parseEntry(inDefault ? ace.substring(DEFAULT_SCOPE.length()) : ace,
                    raw));
        }
        return new PosixAcl(validated(access, "access"), defaults.isEmpty() ? List.of()
                : validated(defaults, "default"));
    }

    private static Entry parseEntry(String ace, String raw) throws InvalidAclException {
        String[] parts = ace.split(":", -1);
        if (parts.length != 3) {
            throw new InvalidAclException("entry '" + raw + "' is not [default:]type:[id]:permissions");
        }
        String perms = parts[2];
        if (!perms.matches("[r-][w-][x-]")) {
            throw new InvalidAclException("entry '" + raw + "': permissions are not rwx, r-x, ---, ...");
        }
        int perm = (perms.charAt(0) == 'r' ? 4 : 0) | (perms.charAt(1) == 'w' ? 2 : 0)
                | (perms.charAt(2) == 'x' ? 1 : 0);
        String id = parts[1];
        Tag tag = switch (parts[0]) {
            case "user" -> id.isEmpty() ? Tag.USER_OBJ : Tag.USER;
            case "group" -> id.isEmpty() ? Tag.GROUP_OBJ : Tag.GROUP;
            case "mask" -> Tag.MASK;
            case "other" -> Tag.OTHER;
            default -> throw new InvalidAclException("entry '" + raw + "': unknown type '" + parts[0] + "'");
        };
        if (!tag.named()) {
            if (!id.isEmpty()) {
                throw new InvalidAclException("entry '" + raw + "': a " + parts[0] + " entry names no one");
            }
            return new Entry(tag, -1, perm);
        }
        if (!id.matches("[0-9]{1,10}") || Long.parseLong(id) >= UNDEFINED_ID) {
            throw new InvalidAclException("entry '" + raw + "': '" + id + "' is not a numeric "
                    + (tag == Tag.USER ? "uid" : "gid"));
        }
        return new Entry(tag, Long.parseLong(id), perm);
    }

    /** Decodes one xattr value (version 2 header, 8-byte entries). */
    static List<Entry> decode(byte[] value, String which) throws InvalidAclException {
        if (value.length < 4 || (value.length - 4) % 8 != 0) {
            throw new InvalidAclException("the " + which + " ACL xattr has " + value.length
                    + " bytes: not a 4-byte header and 8-byte entries");
        }
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        int version = in.getInt();
        if (version != VERSION) {
            throw new InvalidAclException("the " + which + " ACL xattr has version " + Integer.toUnsignedString(
                    version) + ", not " + VERSION);
        }
        List<Entry> entries = new ArrayList<>();
        while (in.hasRemaining()) {
            int tagValue = Short.toUnsignedInt(in.getShort());
            int perm = Short.toUnsignedInt(in.getShort());
            long id = Integer.toUnsignedLong(in.getInt());
            Tag tag = Tag.of(tagValue);
            if (tag == null) {
                throw new InvalidAclException("the " + which + " ACL xattr has an entry with unknown tag 0x"
                        + Integer.toHexString(tagValue));
            }
            if ((perm & ~7) != 0) {
                throw new InvalidAclException("the " + which + " ACL xattr has a " + tag + " entry with permissions 0x"
                        + Integer.toHexString(perm));
            }
            if (tag.named() && id == UNDEFINED_ID) {
                throw new InvalidAclException("the " + which + " ACL xattr has a " + tag + " entry without an id");
            }
            entries.add(new Entry(tag, tag.named() ? id : -1, perm)); // the kernel ignores the id of the others
        }
        return validated(entries, which);
    }

    /** The checks posix_acl_valid makes, with a reason; the entries in the kernel's order. */
    private static List<Entry> validated(List<Entry> entries, String which) throws InvalidAclException {
        Map<Tag, Integer> counts = new EnumMap<>(Tag.class);
        Set<String> named = new HashSet<>();
        for (Entry entry : entries) {
            counts.merge(entry.tag(), 1, Integer::sum);
            if (entry.tag().named() && !named.add(entry.tag() + ":" + entry.id())) {
                throw new InvalidAclException("the " + which + " ACL names " + entry.tag().type + " " + entry.id()
                        + " twice");
            }
        }
        for (Tag required : List.of(Tag.USER_OBJ, Tag.GROUP_OBJ, Tag.OTHER)) {
            int count = counts.getOrDefault(required, 0);
            if (count != 1) {
                throw new InvalidAclException("the " + which + " ACL has " + count + " " + required.type + "::"
                        + (required == Tag.OTHER ? "" : " (owning)") + " entries, not one");
            }
        }
        if (counts.getOrDefault(Tag.MASK, 0) > 1) {
            throw new InvalidAclException("the " + which + " ACL has more than one mask entry");
        }
        if (!named.isEmpty() && !counts.containsKey(Tag.MASK)) {
            throw new InvalidAclException("the " + which + " ACL has named entries but no mask");
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(KERNEL_ORDER);
        return sorted;
    }

    /** More than the mode says: named entries or a mask in the access ACL, or any default entries. */
    public boolean extended() {
        return access.size() > 3 || !defaults.isEmpty();
    }

    /** Whether the access ACL has more than its three base entries (what a chmod alone cannot give). */
    public boolean extendedAccess() {
        return access.size() > 3;
    }

    public List<Entry> access() {
        return access;
    }

    public List<Entry> defaults() {
        return defaults;
    }

    /** The x-ms-acl: access entries, then the default ones. */
    public String toHns() {
        StringBuilder text = new StringBuilder();
        for (Entry entry : access) {
            text.append(text.length() == 0 ? "" : ",").append(entry.hns());
        }
        for (Entry entry : defaults) {
            text.append(',').append(DEFAULT_SCOPE).append(entry.hns());
        }
        return text.toString();
    }

    /** The value of {@value #ACCESS_XATTR}. */
    public byte[] accessXattr() {
        return encode(access);
    }

    /** The value of {@value #DEFAULT_XATTR}, or null when there are no default entries. */
    public byte[] defaultXattr() {
        return defaults.isEmpty() ? null : encode(defaults);
    }

    static byte[] encode(List<Entry> entries) {
        ByteBuffer out = ByteBuffer.allocate(4 + 8 * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(VERSION);
        for (Entry entry : entries) {
            out.putShort((short) entry.tag().value);
            out.putShort((short) entry.perm());
            out.putInt((int) (entry.tag().named() ? entry.id() : UNDEFINED_ID));
        }
        return out.array();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PosixAcl that && access.equals(that.access) && defaults.equals(that.defaults);
    }

    @Override
    public int hashCode() {
        return Objects.hash(access, defaults);
    }

    @Override
    public String toString() {
        return toHns();
    }
}

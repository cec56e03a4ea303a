package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A Lustre file's layout (its striping) as the {@value #XATTR} extended attribute carries it: a
 * {@code struct lov_user_md} v1, v3 (with an OST pool), or a composite {@code lov_comp_md_v1} (lustre_user.h; host
 * byte order). Saved at archive and given back at restore as bytes, without interpreting them, as lhsmtool_posix does
 * ("restore loads and sets the LOVEA w/o interpreting it to avoid dependency on the structure format",
 * lhsmtool_posix.c ct_restore); only the header is read, for log lines.
 */
public final class FileLayout {
    /** XATTR_LUSTRE_LOV */
    public static final String XATTR = "lustre.lov";
    /**
     * O_LOV_DELAY_CREATE (lustre_user.h: O_NOCTTY | FASYNC, the same on x86_64 and aarch64): a restore's volatile
     * file opened with it gets no layout until one is set, and a write before that fails (EBADF).
     */
    public static final int O_LOV_DELAY_CREATE = 0400 | 020000;
    static final int LOV_USER_MAGIC_V1 = 0x0BD10BD0;
    static final int LOV_USER_MAGIC_V3 = 0x0BD30BD0;
    static final int LOV_USER_MAGIC_COMP_V1 = 0x0BD60BD0;
    static final int LOV_PATTERN_RAID0 = 0x1;
    /** sizeof(struct lov_user_md_v1) and _v3, without the lmm_objects that follow. */
    static final int V1_SIZE = 32;
    static final int V3_SIZE = 48;
    /** LOV_OFFSET_DEFAULT, the u16 lmm_stripe_offset that lets the MDT choose the first OST. */
    private static final short OFFSET_DEFAULT = (short) 0xffff;
    /**
     * The largest layout saved: it travels hex-encoded in the blob's metadata, where all keys share 8 KiB. A v1 or v3
     * layout is 32 or 48 bytes; only a composite layout with many components comes near this.
     */
    public static final int MAX_SAVED = 2048;

    private final byte[] bytes;

    private FileLayout(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * The layout to save from what getxattr returned: a v1 or v3 layout without its OST objects (they belong to the
     * file's old objects; setting a layout reads only the header, llite_internal.h ll_lov_user_md_size) and with
     * stripe offset LOV_OFFSET_DEFAULT, so that it is not taken as a wish for the same first OST (as
     * lhsmtool_posix.c ct_save_stripe does); any other layout as it is.
     *
     * @return empty for a value too short to be a layout or longer than {@link #MAX_SAVED}
     */
    public static Optional<FileLayout> saved(byte[] raw) {
        if (raw.length < V1_SIZE) {
            return Optional.empty();
        }
        int magic = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getInt(0);
        byte[] kept;
        if (magic == LOV_USER_MAGIC_V1 || (magic == LOV_USER_MAGIC_V3 && raw.length >= V3_SIZE)) {
            kept = Arrays.copyOf(raw, magic == LOV_USER_MAGIC_V1 ? V1_SIZE : V3_SIZE);
            ByteBuffer.wrap(kept).order(ByteOrder.nativeOrder()).putShort(30, OFFSET_DEFAULT);
        } else {
            kept = raw.clone();
        }
        return kept.length > MAX_SAVED ? Optional.empty() : Optional.of(new FileLayout(kept));
    }

    /**
     * "Use the file system's defaults": a v1 RAID0 layout with stripe size and count 0 and no first OST, what
     * {@code lfs setstripe} sends when given no options (lod fills the zeros from the defaults).
     */
    public static FileLayout fileSystemDefault() {
        ByteBuffer b = ByteBuffer.allocate(V1_SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, LOV_USER_MAGIC_V1).putInt(4, LOV_PATTERN_RAID0).putShort(30, OFFSET_DEFAULT);
        return new FileLayout(b.array());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** @throws IllegalArgumentException for text that is not a saved layout's hex */
    public static FileLayout fromHex(String hex) {
        byte[] raw = HexFormat.of().parseHex(hex);
        if (raw.length < V1_SIZE || raw.length > MAX_SAVED) {
            throw new IllegalArgumentException("a layout has " + V1_SIZE + " to " + MAX_SAVED + " bytes, not "
                    + raw.length);
        }
        return new FileLayout(raw);
    }

    /**
     * The OST pool a layout as getxattr gives it names (lmm_pool_name of a v3 layout); empty for a v1 layout, a v3
     * one without a pool and a composite layout (whose components name pools each; not read here).
     */
    public static Optional<String> poolOf(byte[] raw) {
        if (raw.length < V3_SIZE
                || ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getInt(0) != LOV_USER_MAGIC_V3) {
            return Optional.empty();
        }
        int n = 0;
        while (n < 16 && raw[32 + n] != 0) {
            n++;
        }
        return n == 0 ? Optional.empty() : Optional.of(new String(raw, 32, n, StandardCharsets.UTF_8));
    }

    /** For log lines: "stripe count 4, stripe size 2097152, pool fast", or what kind of layout it is. */
    @Override
    public String toString() {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        int magic = b.getInt(0);
        if (magic != LOV_USER_MAGIC_V1 && magic != LOV_USER_MAGIC_V3) {
            return magic == LOV_USER_MAGIC_COMP_V1 ? "composite layout of " + bytes.length + " bytes"
                    : "layout with magic 0x" + Integer.toHexString(magic);
        }
        String text = "stripe count " + b.getShort(28) + ", stripe size " + Integer.toUnsignedString(b.getInt(24));
        if (magic == LOV_USER_MAGIC_V3) {
            int n = 0;
            while (n < 16 && bytes[32 + n] != 0) {
                n++;
            }
            if (n > 0) {
                text += ", pool " + new String(bytes, 32, n, StandardCharsets.UTF_8);
            }
        }
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FileLayout that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}

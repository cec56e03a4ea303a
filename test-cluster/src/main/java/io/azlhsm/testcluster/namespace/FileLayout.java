package io.azlhsm.testcluster.namespace;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A regular file's striping (its LOV layout) as a client reads and writes it in the {@code lustre.lov} extended
 * attribute: a {@code struct lov_user_md_v1}, or {@code _v3} when it names an OST pool (lustre_user.h; packed,
 * little-endian: magic u32, pattern u32, lmm_oi 16 bytes, stripe_size u32, stripe_count u16, stripe_offset u16, and
 * in v3 a 16-byte pool name). Only plain RAID0 layouts are simulated: no composite (PFL, FLR, SEL) layouts and no OST
 * objects (the attribute carries no {@code lmm_objects}).
 *
 * @param pattern     lmm_pattern (LOV_PATTERN_RAID0, with LOV_PATTERN_F_RELEASED on a released file)
 * @param stripeSize  bytes per stripe
 * @param stripeCount how many OSTs the file is striped over
 * @param pool        the OST pool, or null (a v1 layout)
 */
public record FileLayout(int pattern, long stripeSize, int stripeCount, String pool) {
    public static final int LOV_USER_MAGIC_V1 = 0x0BD10BD0;
    public static final int LOV_USER_MAGIC_V3 = 0x0BD30BD0;
    public static final int LOV_USER_MAGIC_COMP_V1 = 0x0BD60BD0;
    public static final int LOV_PATTERN_RAID0 = 0x001;
    public static final int LOV_PATTERN_F_RELEASED = 0x80000000;
    /** LOV_OFFSET_DEFAULT: what a client reads as lmm_stripe_offset (xattr.c ll_sanitize_xattr). */
    static final int LOV_OFFSET_DEFAULT = 0xffff;
    /** lov_user_md_v1 and _v3 without objects. */
    public static final int V1_SIZE = 32;
    public static final int V3_SIZE = 48;
    /** LOV_MAXPOOLNAME: a pool name has at most 15 characters (16 with its NUL). */
    static final int POOL_NAME_SIZE = 16;
    /** LOV_MIN_STRIPE_SIZE: a stripe size is a multiple of 64 KiB (lod_lov.c lod_verify_v1v3). */
    public static final long MIN_STRIPE_SIZE = 64 * 1024;
    /** LOV_MAX_STRIPE_SIZE: 4 GiB - 64 KiB. */
    static final long MAX_STRIPE_SIZE = (1L << 32) - MIN_STRIPE_SIZE;
    /**
     * How many OSTs the simulated file system has. A layout asks for a stripe count; the MDT gives at most this many
     * (lod_qos.c lod_get_stripe_count), and -1 means all of them.
     */
    public static final int OST_COUNT = 4;
    /** The file system's default layout, Lustre's own defaults: one stripe of 1 MiB (LOV_DESC_STRIPE_SIZE_DEFAULT). */
    public static final FileLayout DEFAULT = new FileLayout(LOV_PATTERN_RAID0, 1L << 20, 1, null);

    /** The lustre.lov value a client reads: stripe offset LOV_OFFSET_DEFAULT, v3 only with a pool. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(pool == null ? V1_SIZE : V3_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(pool == null ? LOV_USER_MAGIC_V1 : LOV_USER_MAGIC_V3);
        b.putInt(pattern);
        b.put(new byte[16]); // lmm_oi: the MDT's object id, zero in what a client sets
        b.putInt((int) stripeSize);
        b.putShort((short) stripeCount);
        b.putShort((short) LOV_OFFSET_DEFAULT);
        if (pool != null) {
            byte[] name = pool.getBytes(StandardCharsets.UTF_8);
            b.put(name, 0, Math.min(name.length, POOL_NAME_SIZE - 1));
        }
        return b.array();
    }

    /**
     * The layout a client's setxattr of {@code lustre.lov} gives a file without one, with the MDT's rules
     * (lod_lov.c:1772-1820, lod_verify_v1v3): ERANGE for a value shorter than its struct (xattr.c ll_setstripe_ea),
     * EINVAL for an unknown magic or pattern, a stripe size that is not a multiple of 64 KiB, or a first OST the file
     * system does not have (which OST comes first is not kept otherwise: the simulator has no OST objects). Stripe
     * size 0 and count 0 take the file system's defaults; a count of -1 or more than there are OSTs gives every OST
     * (lod_qos.c:2595-2627, lod_get_stripe_count_plain). A pool the file system does not have is no error: the MDT
     * keeps the name and allocates from all OSTs (lod_lov.c:1846-1848: a pool that is not found is not checked
     * further).
     *
     * @throws SimulatorException EOPNOTSUPP for a composite layout, which the simulator does not have
     */
    public static FileLayout fromUser(byte[] value) throws SimulatorException {
        if (value.length < V1_SIZE) {
            throw new SimulatorException(Errno.ERANGE, "lustre.lov value of " + value.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == LOV_USER_MAGIC_COMP_V1) {
            throw new SimulatorException(Errno.EOPNOTSUPP, "composite layouts are not simulated");
        }
        if (magic != LOV_USER_MAGIC_V1 && magic != LOV_USER_MAGIC_V3) {
            throw new SimulatorException(Errno.EINVAL, "bad LOV magic 0x" + Integer.toHexString(magic));
        }
        if (magic == LOV_USER_MAGIC_V3 && value.length < V3_SIZE) {
            throw new SimulatorException(Errno.ERANGE, "lov_user_md_v3 of " + value.length + " bytes");
        }
        // a copy of a released file's layout (cp -a, tar) has the released flag, which llite takes off for a file
        // that is not archived (xattr.c ll_adjust_lum): a file without a layout yet is not
        int pattern = b.getInt(4) & ~LOV_PATTERN_F_RELEASED;
        if (pattern != 0 && pattern != LOV_PATTERN_RAID0) {
            throw new SimulatorException(Errno.EINVAL, "unsupported stripe pattern 0x" + Integer.toHexString(pattern));
        }
        long size = Integer.toUnsignedLong(b.getInt(24));
        if (size % MIN_STRIPE_SIZE != 0 || size > MAX_STRIPE_SIZE) {
            throw new SimulatorException(Errno.EINVAL, "stripe size " + size + " is not a multiple of 64 KiB");
        }
        int count = Short.toUnsignedInt(b.getShort(28));
        int offset = Short.toUnsignedInt(b.getShort(30));
        if (offset != LOV_OFFSET_DEFAULT && offset >= OST_COUNT) {
            throw new SimulatorException(Errno.EINVAL, "stripe offset " + offset + ": there is no OST" + offset);
        }
        String pool = null;
        if (magic == LOV_USER_MAGIC_V3) {
            byte[] name = new byte[POOL_NAME_SIZE];
            b.get(32, name);
            int n = 0;
            while (n < name.length && name[n] != 0) {
                n++;
            }
            pool = n == 0 ? null : new String(name, 0, n, StandardCharsets.UTF_8);
        }
        int stripes = count == 0 ? DEFAULT.stripeCount : count == 0xffff || count > OST_COUNT ? OST_COUNT : count;
        return new FileLayout(LOV_PATTERN_RAID0, size == 0 ? DEFAULT.stripeSize : size, stripes, pool);
    }

    /** As it is stored (always a layout this class encoded). */
    static FileLayout decode(byte[] stored) {
        ByteBuffer b = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
        String pool = null;
        if (b.getInt(0) == LOV_USER_MAGIC_V3 && stored.length >= V3_SIZE) {
            int n = 0;
            while (n < POOL_NAME_SIZE && stored[32 + n] != 0) {
                n++;
            }
            pool = new String(stored, 32, n, StandardCharsets.UTF_8);
        }
        return new FileLayout(b.getInt(4), Integer.toUnsignedLong(b.getInt(24)), Short.toUnsignedInt(b.getShort(28)),
                pool);
    }

    /** A released file's layout: the same, flagged released (mdt_open.c mdt_hsm_set_released). */
    public FileLayout released() {
        return new FileLayout(pattern | LOV_PATTERN_F_RELEASED, stripeSize, stripeCount, pool);
    }
}

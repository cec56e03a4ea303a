package io.azlhsm.testcluster.namespace;

import java.nio.charset.StandardCharsets;

/**
 * Where a directory's entries live (its LMV layout). A plain directory keeps them on its own MDT ({@code offset},
 * no stripes); a striped one ({@code lfs mkdir -c N}) spreads them over its stripes' MDTs by a hash of the name.
 * The hash is Lustre's {@code fnv_1a_64} (lustre_lmv.h lmv_hash_fnv1a: the 64-bit FNV-1a of the name modulo the
 * stripe count); Lustre's default for new striped directories is {@code crush}, which places names differently but
 * just as blindly to their MDT.
 *
 * @param offset the MDT of the directory itself (lmv_stripe_offset)
 * @param mdts   the MDT of each stripe; empty for a plain directory
 * @param fids   the FID of each stripe's directory object
 */
public record DirectoryLayout(int offset, int[] mdts, Fid[] fids) {
    public static final String HASH_TYPE = "fnv_1a_64";

    public static DirectoryLayout plain(int mdt) {
        return new DirectoryLayout(mdt, new int[0], new Fid[0]);
    }

    /** lmv_stripe_count: 0 for a plain directory. */
    public int stripeCount() {
        return mdts.length;
    }

    /** The MDT a new entry called name goes to. */
    public int mdtFor(String name) {
        if (mdts.length == 0) {
            return offset;
        }
        return mdts[(int) Long.remainderUnsigned(fnv1a64(name.getBytes(StandardCharsets.UTF_8)), mdts.length)];
    }

    static long fnv1a64(byte[] name) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : name) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** "offset mdt:fid mdt:fid ..." */
    byte[] encode() {
        StringBuilder sb = new StringBuilder(Integer.toString(offset));
        for (int i = 0; i < mdts.length; i++) {
            sb.append(' ').append(mdts[i]).append(':').append(fids[i].bracketed());
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static DirectoryLayout decode(byte[] raw) {
        String[] f = new String(raw, StandardCharsets.UTF_8).trim().split(" ");
        int count = f.length - 1;
        int[] mdts = new int[count];
        Fid[] fids = new Fid[count];
        for (int i = 0; i < count; i++) {
            int colon = f[i + 1].indexOf(':');
            mdts[i] = Integer.parseInt(f[i + 1].substring(0, colon));
            fids[i] = Fid.parse(f[i + 1].substring(colon + 1));
        }
        return new DirectoryLayout(Integer.parseInt(f[0]), mdts, fids);
    }
}

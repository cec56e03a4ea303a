package io.azlhsm.testcluster.namespace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A Lustre File IDentifier: sequence, object id, version. Text form {@code 0x200000400:0x1:0x0}. */
public record Fid(long seq, int oid, int ver) {
    /** Lustre's root FID ([0x200000007:0x1:0x0]). */
    public static final Fid ROOT = new Fid(0x200000007L, 1, 0);
    /** The zero FID: "no file" in changelog records. */
    public static final Fid ZERO = new Fid(0, 0, 0);

    /**
     * Whether the MDT takes this as a FID at all (lustre_fid.h fid_is_sane): a normal or local FID of version 0, an
     * IGIF or IDIF (pre-FID inode and OST object numbers), or a reserved sequence. Anything else in a request is
     * refused with EINVAL before any lookup (mdt_hsm_cdt_client.c hal_is_sane).
     */
    public boolean isSane() {
        boolean normal = Long.compareUnsigned(seq, 0x200000000L) >= 0 && ver == 0; // FID_SEQ_START
        boolean igif = Long.compareUnsigned(seq, 12) >= 0 && Long.compareUnsigned(seq, 0xffffffffL) <= 0;
        boolean idif = Long.compareUnsigned(seq, 0x100000000L) >= 0 && Long.compareUnsigned(seq, 0x1ffffffffL) <= 0;
        boolean reserved = seq > 0 && seq <= 11; // FID_SEQ_OST_MDT0 < seq <= FID_SEQ_RSVD
        return normal || igif || idif || reserved;
    }

    /** Parses "0x..:0x..:0x.." with or without the surrounding brackets. */
    public static Fid parse(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        String[] parts = s.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a FID: " + text);
        }
        return new Fid(Long.parseUnsignedLong(strip0x(parts[0]), 16),
                (int) Long.parseLong(strip0x(parts[1]), 16), (int) Long.parseLong(strip0x(parts[2]), 16));
    }

    private static String strip0x(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }

    /** lustre_mdt_attrs as stored in trusted.lma: u32 compat, u32 incompat, lu_fid self (24 bytes, little endian). */
    public byte[] toLma() {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).putInt(0).putLong(seq).putInt(oid).putInt(ver);
        return b.array();
    }

    public static Fid fromLma(byte[] lma) {
        ByteBuffer b = ByteBuffer.wrap(lma).order(ByteOrder.LITTLE_ENDIAN);
        return new Fid(b.getLong(8), b.getInt(16), b.getInt(20));
    }

    /** Lustre's DFID_NOBRACE: {@code %#llx:0x%x:0x%x}. */
    @Override
    public String toString() {
        return "0x" + Long.toHexString(seq) + ":0x" + Integer.toHexString(oid) + ":0x" + Integer.toHexString(ver);
    }

    /** Lustre's DFID: the text form in brackets. */
    public String bracketed() {
        return "[" + this + "]";
    }
}

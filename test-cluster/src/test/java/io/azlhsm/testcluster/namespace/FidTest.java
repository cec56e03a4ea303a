package io.azlhsm.testcluster.namespace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FidTest {
    @Test
    void textFormsAreLustres() {
        Fid f = new Fid(0x200000400L, 0x1f, 0);
        assertEquals("0x200000400:0x1f:0x0", f.toString());
        assertEquals("[0x200000400:0x1f:0x0]", f.bracketed());
        assertEquals(f, Fid.parse("[0x200000400:0x1f:0x0]"));
        assertEquals(f, Fid.parse("0x200000400:0x1f:0x0"));
    }

    /** lustre_fid.h fid_is_sane, which the MDT applies to every item of a request (sanity-hsm 29a). */
    @Test
    void saneFidsAreTheOnesTheMdtTakes() {
        assertTrue(new Fid(0x200000400L, 1, 0).isSane(), "a normal FID");
        assertTrue(Fid.ROOT.isSane(), "the root");
        assertFalse(new Fid(0x857765760L, 8, 2).isSane(), "a normal sequence with a version");
        assertTrue(new Fid(12, 34, 5).isSane(), "an IGIF, whatever its version");
        assertTrue(new Fid(0x100000001L, 1, 7).isSane(), "an IDIF");
        assertTrue(new Fid(1, 2, 3).isSane(), "a reserved sequence");
        assertFalse(new Fid(0, 1, 0).isSane(), "sequence 0");
        assertFalse(new Fid(-1L, 1, 1).isSane(), "FID_SEQ_LOV_DEFAULT with a version");
    }

    @Test
    void lmaIsLustreMdtAttrsLittleEndian() {
        Fid f = new Fid(0x200000400L, 2, 0);
        byte[] lma = f.toLma();
        assertEquals(24, lma.length);
        assertEquals(0x00, lma[8]);
        assertEquals(0x04, lma[9]);
        assertEquals(0x02, lma[16]);
        assertEquals(f, Fid.fromLma(lma));
    }

    @Test
    void hsmAttrsLayout() {
        HsmAttributes a = new HsmAttributes(0xd, 3, 77);
        byte[] raw = a.encode();
        assertEquals(24, raw.length);
        assertEquals(0xd, raw[4]);
        assertEquals(3, raw[8]);
        assertEquals(77, raw[16]);
        assertEquals(a, HsmAttributes.decode(raw));
    }
}

package io.azlhsm.testcluster.namespace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FidTest {
    @Test
    void textFormsAreLustres() {
        Fid f = new Fid(0x200000400L, 0x1f, 0);
        assertEquals("0x200000400:0x1f:0x0", f.toString());
        assertEquals("[0x200000400:0x1f:0x0]", f.bracketed());
        assertEquals(f, Fid.parse("[0x200000400:0x1f:0x0]"));
        assertEquals(f, Fid.parse("0x200000400:0x1f:0x0"));
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

package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class LuFidTest {
    @Test
    void parsesWithAndWithoutBrackets() {
        LuFid expected = new LuFid(0x200000401L, 0x1, 0x0);
        assertEquals(expected, LuFid.parse("0x200000401:0x1:0x0"));
        assertEquals(expected, LuFid.parse("[0x200000401:0x1:0x0]"));
        assertEquals(expected, LuFid.parse("  [0x200000401:0x1:0x0]\n"));
    }

    @Test
    void parsesDfidFormOfZeroAndFullWidthValues() {
        assertEquals(new LuFid(0, 0, 0), LuFid.parse("0:0x0:0x0"));
        assertEquals(new LuFid(-1L, -1, -2), LuFid.parse("0xffffffffffffffff:0xffffffff:0xfffffffe"));
    }

    @Test
    void formatsAsLustreDoes() {
        LuFid fid = new LuFid(-1L, -1, 7);
        assertEquals("0xffffffffffffffff:0xffffffff:0x7", fid.toString());
        assertEquals("[0xffffffffffffffff:0xffffffff:0x7]", fid.bracketed());
        assertEquals("0x0:0x0:0x0", new LuFid(0, 0, 0).toString());
        assertEquals(fid, LuFid.parse(fid.bracketed()));
    }

    @Test
    void rejectsWhatIsNotAFid() {
        for (String bad : new String[] {"", "0x1:0x2", "0x1:0x2:0x3:0x4", "1:2:3", "0x1:0x100000000:0x0",
                "[0x1:0x2:0x3", "0x:0x1:0x1", "0xg:0x1:0x1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LuFid.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void roundTripsThroughLittleEndianBytes() {
        LuFid fid = new LuFid(0x0102030405060708L, 0x0a0b0c0d, 0x11223344);
        ByteBuffer buffer = ByteBuffer.allocate(20);
        fid.write(buffer, 4);
        assertEquals(0x08, buffer.get(4));
        assertEquals(0x0d, buffer.get(12));
        assertEquals(0x44, buffer.get(16));
        assertEquals(fid, LuFid.read(buffer, 4));
    }
}

package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The layout saved at archive: lov_user_md as getxattr("lustre.lov") gives it, trimmed as lhsmtool_posix trims it. */
class FileLayoutTest {
    private static ByteBuffer lum(int magic, int size, int count, int offset, String pool, int objects) {
        int header = magic == FileLayout.LOV_USER_MAGIC_V3 ? 48 : 32;
        ByteBuffer b = ByteBuffer.allocate(header + 24 * objects).order(ByteOrder.nativeOrder());
        b.putInt(0, magic).putInt(4, 1).putLong(8, 0x200000401L).putInt(24, size).putShort(28, (short) count)
                .putShort(30, (short) offset);
        if (pool != null) {
            b.put(32, pool.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return b;
    }

    @Test
    void aV1OrV3LayoutIsSavedWithoutItsObjectsAndWithoutItsFirstOst() {
        ByteBuffer v1 = lum(FileLayout.LOV_USER_MAGIC_V1, 1 << 20, 4, 2, null, 4);
        FileLayout saved = FileLayout.saved(v1.array()).orElseThrow();
        ByteBuffer kept = ByteBuffer.wrap(saved.bytes()).order(ByteOrder.nativeOrder());
        assertEquals(32, kept.limit(), "lmm_objects dropped");
        assertEquals((short) -1, kept.getShort(30), "stripe offset LOV_OFFSET_DEFAULT (lhsmtool_posix ct_save_stripe)");
        assertEquals(4, kept.getShort(28));
        assertEquals("stripe count 4, stripe size 1048576", saved.toString());

        FileLayout pooled = FileLayout.saved(lum(FileLayout.LOV_USER_MAGIC_V3, 2 << 20, 2, -1, "fast", 2).array())
                .orElseThrow();
        assertEquals(48, pooled.bytes().length);
        assertEquals("stripe count 2, stripe size 2097152, pool fast", pooled.toString());
    }

    @Test
    void anotherLayoutIsSavedAsItIsUnlessItIsTooLargeOrTooShort() {
        ByteBuffer comp = ByteBuffer.allocate(200).order(ByteOrder.nativeOrder());
        comp.putInt(0, FileLayout.LOV_USER_MAGIC_COMP_V1);
        FileLayout saved = FileLayout.saved(comp.array()).orElseThrow();
        assertEquals(200, saved.bytes().length);
        assertEquals("composite layout of 200 bytes", saved.toString());
        assertEquals(Optional.empty(), FileLayout.saved(new byte[FileLayout.MAX_SAVED + 1]));
        assertEquals(Optional.empty(), FileLayout.saved(new byte[31]));
    }

    @Test
    void theDefaultLayoutLeavesEverythingToTheFileSystem() {
        ByteBuffer b = ByteBuffer.wrap(FileLayout.fileSystemDefault().bytes()).order(ByteOrder.nativeOrder());
        assertEquals(32, b.limit());
        assertEquals(FileLayout.LOV_USER_MAGIC_V1, b.getInt(0));
        assertEquals(0, b.getInt(24), "stripe size 0: the default");
        assertEquals(0, b.getShort(28), "stripe count 0: the default");
        assertEquals((short) -1, b.getShort(30));
    }

    @Test
    void hexRoundTripsAndRefusesWhatIsNoLayout() {
        FileLayout saved = FileLayout.saved(lum(FileLayout.LOV_USER_MAGIC_V1, 65536, 1, -1, null, 0).array())
                .orElseThrow();
        assertEquals(saved, FileLayout.fromHex(saved.hex()));
        assertThrows(IllegalArgumentException.class, () -> FileLayout.fromHex("d00b"));
        assertThrows(IllegalArgumentException.class, () -> FileLayout.fromHex("zz"));
        assertEquals(0x2100, FileLayout.O_LOV_DELAY_CREATE, "O_NOCTTY | FASYNC (lustre_user.h)");
    }
}

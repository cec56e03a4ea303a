package io.azlhsm.copytool.lustre;

import static io.azlhsm.copytool.lustre.AbiImages.u32;
import static io.azlhsm.copytool.lustre.AbiImages.u64;
import static io.azlhsm.copytool.lustre.AbiImages.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decodes the hsm_action_list the C side built from its header, and refuses malformed variants of it. */
class HsmActionListDecodeTest {
    @TempDir
    static Path dir;
    static Map<String, String> manifest;
    static byte[] image;

    @BeforeAll
    static void buildImages() throws Exception {
        manifest = AbiImages.write(dir);
        image = Files.readAllBytes(dir.resolve("hal.bin"));
    }

    @Test
    void headerFieldsMatchTheCSide() throws Exception {
        HsmActionList list = HsmActionList.decode(AbiImages.toNative(image), u32(manifest, "hal.msgsize"));

        assertEquals(u32(manifest, "hal.version"), list.version());
        assertEquals(u32(manifest, "hal.count"), list.count());
        assertEquals(u64(manifest, "hal.compound_id"), list.compoundId());
        assertEquals(u64(manifest, "hal.flags"), list.flags());
        assertEquals(u32(manifest, "hal.archive_id"), list.archiveId());
        assertEquals(value(manifest, "hal.fsname"), list.fsname());
        assertEquals(list.count(), list.items().size());
    }

    @Test
    void everyItemFieldMatchesTheCSide() throws Exception {
        HsmActionList list = HsmActionList.decode(AbiImages.toNative(image), u32(manifest, "hal.msgsize"));
        HexFormat hex = HexFormat.of();

        for (int i = 0; i < list.count(); i++) {
            String p = "hal.item." + i + ".";
            HsmActionItem item = list.items().get(i);
            assertEquals(u32(manifest, p + "action"), item.actionCode(), p + "action");
            assertEquals(value(manifest, p + "fid"), item.fid().toString(), p + "fid");
            assertEquals(value(manifest, p + "dfid"), item.dfid().toString(), p + "dfid");
            assertEquals(u64(manifest, p + "extent.offset"), item.extent().offset(), p + "extent.offset");
            assertEquals(u64(manifest, p + "extent.length"), item.extent().length(), p + "extent.length");
            assertEquals(u64(manifest, p + "cookie"), item.cookie(), p + "cookie");
            assertEquals(u64(manifest, p + "gid"), item.gid(), p + "gid");
            assertArrayEquals(hex.parseHex(value(manifest, p + "data")), item.data(), p + "data");
            assertArrayEquals(hex.parseHex(value(manifest, p + "raw")), item.raw(), p + "raw");
            assertEquals(u32(manifest, p + "len"), item.raw().length, p + "len");
            // the raw bytes are the ones at the position the C walk found
            int position = u32(manifest, p + "position");
            assertArrayEquals(Arrays.copyOfRange(image, position, position + item.raw().length), item.raw());
        }
    }

    @Test
    void actionsAreNamed() throws Exception {
        HsmActionList list = HsmActionList.decode(ByteBuffer.wrap(image));
        assertEquals(HsmCopytoolAction.ARCHIVE, list.items().get(0).action());
        assertEquals(HsmCopytoolAction.RESTORE, list.items().get(1).action());
        assertEquals(HsmCopytoolAction.REMOVE, list.items().get(2).action());
        assertEquals(HsmCopytoolAction.CANCEL, list.items().get(3).action());
        assertEquals("hello", list.items().get(1).dataAsText());
        assertTrue(list.items().get(0).extent().reachesEof());
    }

    @Test
    void itemsSurviveTheReuseOfTheNativeBuffer() throws Exception {
        jnr.ffi.Pointer native_ = AbiImages.toNative(image);
        HsmActionList list = HsmActionList.decode(native_, image.length);
        native_.put(0, new byte[image.length], 0, image.length);
        assertEquals("0x200000402:0x2a:0x0", list.items().get(1).fid().toString());
        assertEquals(0x4d, list.items().get(1).raw()[0]);
    }

    @Test
    void messageCutInsideTheLastItemIsRefused() {
        int lastItem = u32(manifest, "hal.item.3.position");
        byte[] cut = Arrays.copyOf(image, lastItem + 60);
        LustreFormatException e = assertThrows(LustreFormatException.class,
                () -> HsmActionList.decode(ByteBuffer.wrap(cut)));
        assertTrue(e.getMessage().contains("item 3 of 4"), e.getMessage());
    }

    @Test
    void itemLengthReachingPastTheMessageIsRefused() {
        byte[] bad = image.clone();
        int second = u32(manifest, "hal.item.1.position");
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(second, bad.length);
        LustreFormatException e = assertThrows(LustreFormatException.class,
                () -> HsmActionList.decode(ByteBuffer.wrap(bad)));
        assertTrue(e.getMessage().contains("item 1 of 4") && e.getMessage().contains("hai_len"), e.getMessage());
    }

    @Test
    void itemLengthShorterThanTheHeaderIsRefused() {
        byte[] bad = image.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(u32(manifest, "hal.item.0.position"), 8);
        assertThrows(LustreFormatException.class, () -> HsmActionList.decode(ByteBuffer.wrap(bad)));
    }

    @Test
    void countBeyondTheMessageIsRefused() {
        byte[] bad = image.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 5);
        LustreFormatException e = assertThrows(LustreFormatException.class,
                () -> HsmActionList.decode(ByteBuffer.wrap(bad)));
        assertTrue(e.getMessage().contains("claims 5 items"), e.getMessage());
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -1);
        assertThrows(LustreFormatException.class, () -> HsmActionList.decode(ByteBuffer.wrap(bad)));
    }

    @Test
    void unknownVersionIsRefused() {
        byte[] bad = image.clone();
        bad[0] = 2;
        LustreFormatException e = assertThrows(LustreFormatException.class,
                () -> HsmActionList.decode(ByteBuffer.wrap(bad)));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void unterminatedFsnameIsRefused() {
        byte[] bad = Arrays.copyOf(image, 36);
        assertThrows(LustreFormatException.class, () -> HsmActionList.decode(ByteBuffer.wrap(bad)));
    }

    @Test
    void implausibleMsgsizeIsRefusedBeforeReadingMemory() {
        assertThrows(LustreFormatException.class, () -> HsmActionList.decode(AbiImages.toNative(image), 8));
        assertThrows(LustreFormatException.class,
                () -> HsmActionList.decode(AbiImages.toNative(image), HsmActionList.MAX_SIZE + 1));
    }
}

package io.azlhsm.copytool.lustre;

import static io.azlhsm.copytool.lustre.AbiImages.u32;
import static io.azlhsm.copytool.lustre.AbiImages.u64;
import static io.azlhsm.copytool.lustre.AbiImages.value;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java encodes hsm_user_request and struct stat; the C side decodes them with its header and glibc's. */
class EncodersAgainstCTest {
    @TempDir
    Path dir;

    @Test
    void userRequestIsReadBackByTheCSide() throws Exception {
        List<HsmUserItem> items = List.of(
                HsmUserItem.wholeFile(LuFid.parse("[0x200000401:0x1:0x0]")),
                new HsmUserItem(LuFid.parse("0x280000400:0xffffffff:0x7"), new HsmExtent(4096, 1 << 20)),
                HsmUserItem.wholeFile(LuFid.parse("0x200000402:0x2a:0x3")));
        byte[] data = "file_id=abc".getBytes(StandardCharsets.US_ASCII); // 11 bytes: nothing is padded
        HsmUserRequest request = new HsmUserRequest(HsmUserAction.RESTORE, 5,
                HsmRequestFlags.FORCE_ACTION | HsmRequestFlags.REQ_BLOCKING, items, data);
        Path image = dir.resolve("hur.bin");
        Files.write(image, request.encode());

        Map<String, String> c = AbiImages.read("read-hur", image);

        assertEquals(request.encodedSize(), u32(c, "hur.size"));
        assertEquals(24 + 3 * 32 + 11, u32(c, "hur.len"));
        assertEquals(HsmUserAction.RESTORE.code(), u32(c, "hur.action"));
        assertEquals(5, u32(c, "hur.archive_id"));
        assertEquals(0x5, u64(c, "hur.flags"));
        assertEquals(3, u32(c, "hur.itemcount"));
        assertEquals(11, u32(c, "hur.data_len"));
        for (int i = 0; i < items.size(); i++) {
            String p = "hur.item." + i + ".";
            assertEquals(items.get(i).fid().toString(), value(c, p + "fid"));
            assertEquals(items.get(i).extent().offset(), u64(c, p + "extent.offset"));
            assertEquals(items.get(i).extent().length(), u64(c, p + "extent.length"));
        }
        assertEquals(HexFormat.of().formatHex(data), value(c, "hur.data"));
    }

    @Test
    void emptyRequestHasOnlyItsHeader() throws Exception {
        HsmUserRequest request = new HsmUserRequest(HsmUserAction.ARCHIVE, 0, 0, List.of(), new byte[0]);
        Path image = dir.resolve("hur-empty.bin");
        Files.write(image, request.encode());

        Map<String, String> c = AbiImages.read("read-hur", image);

        assertEquals(24, u32(c, "hur.len"));
        assertEquals(HsmUserAction.ARCHIVE.code(), u32(c, "hur.action"));
        assertEquals("", value(c, "hur.data"));
    }

    @Test
    void statIsReadBackByGlibcLayout() throws Exception {
        ImportAttributes attributes = new ImportAttributes(0x1_2345_6789L, 0640, 1000, 1001,
                1_700_000_000L, 123_456_789, 1_600_000_000L, 987_654_321);
        Path image = dir.resolve("stat.bin");
        Files.write(image, attributes.encodeStat());

        Map<String, String> c = AbiImages.read("read-stat", image);

        assertEquals(StatLayout.host().size(), u32(c, "stat.sizeof"), "sizeof(struct stat) on this platform");
        assertEquals(StatLayout.host().size(), u32(c, "stat.size_read"));
        assertEquals(0100640, u32(c, "stat.mode"));
        assertEquals(1000, u32(c, "stat.uid"));
        assertEquals(1001, u32(c, "stat.gid"));
        assertEquals(0x1_2345_6789L, u64(c, "stat.size"));
        assertEquals(1_700_000_000L, u64(c, "stat.atime"));
        assertEquals(123_456_789, u64(c, "stat.atime_ns"));
        assertEquals(1_600_000_000L, u64(c, "stat.mtime"));
        assertEquals(987_654_321, u64(c, "stat.mtime_ns"));
        assertEquals(1_600_000_000L, u64(c, "stat.ctime"));
        assertEquals(1, u64(c, "stat.nlink"));
        assertEquals(0, u64(c, "stat.blocks"));
    }
}

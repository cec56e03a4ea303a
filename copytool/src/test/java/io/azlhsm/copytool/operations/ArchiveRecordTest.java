package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.azlhsm.copytool.lustre.FileLayout;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The record kept on archived and imported files; an imported foreign blob may come without any MD5. */
class ArchiveRecordTest {
    @Test
    void recordsWithAndWithoutMd5RoundTrip() {
        ArchiveRecord archived = new ArchiveRecord(1, "a/b", "\"0x8D\"", new byte[16], 17);
        assertEquals(Optional.of(archived), ArchiveRecord.decode(archived.encode()));
        assertArrayEquals(new byte[16], ArchiveRecord.decode(archived.encode()).orElseThrow().md5());

        ArchiveRecord imported = new ArchiveRecord(2, "foreign/blob", "\"0x9E\"", null, 0);
        assertEquals("version=1\narchive_id=2\nblob=foreign/blob\netag=\"0x9E\"\nmd5=\ndata_version=0\n",
                imported.encode());
        ArchiveRecord decoded = ArchiveRecord.decode(imported.encode()).orElseThrow();
        assertNull(decoded.md5());
        assertEquals(imported, decoded);
    }

    @Test
    void aWrongLengthMd5IsStillRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ArchiveRecord(1, "a", null, new byte[3], 0));
        assertEquals(Optional.empty(), ArchiveRecord.decode("version=1\narchive_id=1\nblob=a\netag=\nmd5=zz\n"
                + "data_version=0\n"));
    }

    @Test
    void aCrc32cRecordRoundTripsAndAnOlderRecordWithoutOneStillReads() {
        ArchiveRecord posix = new ArchiveRecord(2, "dir/f", "\"e1\"", null, 9, new byte[] {1, 2, 3, (byte) 0xff});
        assertEquals("version=1\narchive_id=2\nblob=dir/f\netag=\"e1\"\nmd5=\ndata_version=9\ncrc32c=010203ff\n",
                posix.encode());
        assertEquals(Optional.of(posix), ArchiveRecord.decode(posix.encode()));
        ArchiveRecord old = ArchiveRecord.decode("version=1\narchive_id=2\nblob=dir/f\netag=\nmd5=\ndata_version=9\n")
                .orElseThrow();
        assertNull(old.crc32c());
        assertThrows(IllegalArgumentException.class, () -> new ArchiveRecord(1, "a", null, null, 0, new byte[5]));
    }

    @Test
    void aLayoutRoundTripsAndARecordWithoutOneHasNone() {
        FileLayout layout = FileLayout.fromHex("d00bd10b01000000" + "00".repeat(16) + "000020000300ffff");
        ArchiveRecord striped = new ArchiveRecord(1, "s/f", "\"e\"", new byte[16], 3, null, layout);
        assertEquals(true, striped.encode().endsWith("\nlov=" + layout.hex() + "\n"), striped.encode());
        ArchiveRecord decoded = ArchiveRecord.decode(striped.encode()).orElseThrow();
        assertEquals(striped, decoded);
        assertEquals(layout, decoded.layout());
        assertNull(new ArchiveRecord(1, "s/f", null, null, 3).layout());
        assertEquals(Optional.empty(), ArchiveRecord.decode(striped.encode().replace("lov=d00b", "lov=zz0b")),
                "a damaged record is not half trusted");
    }
}

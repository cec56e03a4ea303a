package io.azlhsm.copytool.lustre;

import static io.azlhsm.copytool.lustre.AbiImages.u32;
import static io.azlhsm.copytool.lustre.AbiImages.u64;
import static io.azlhsm.copytool.lustre.AbiImages.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decodes the changelog records the C side built from its header: every extension combination it wrote. */
class ChangelogRecordDecodeTest {
    @TempDir
    static Path dir;
    static Map<String, String> manifest;

    @BeforeAll
    static void buildImages() throws Exception {
        manifest = AbiImages.write(dir);
    }

    private static byte[] image(int n) throws Exception {
        return Files.readAllBytes(dir.resolve("changelog." + n + ".bin"));
    }

    @Test
    void everyRecordMatchesTheCSide() throws Exception {
        int count = u32(manifest, "cl.count");
        assertEquals(3, count);
        for (int n = 0; n < count; n++) {
            String p = "cl." + n + ".";
            byte[] bytes = image(n);
            assertEquals(u32(manifest, p + "size"), bytes.length);
            // through native memory, as ChangelogReader reads it: the record's size comes from its header
            ChangelogRecord rec = ChangelogRecord.decode(AbiImages.toNative(bytes));

            assertEquals(u32(manifest, p + "type"), rec.typeCode(), p + "type");
            assertEquals(u32(manifest, p + "flags"), rec.flags(), p + "flags");
            assertEquals(u64(manifest, p + "index"), rec.index(), p + "index");
            assertEquals(u64(manifest, p + "prev"), rec.prev(), p + "prev");
            assertEquals(u64(manifest, p + "time"), rec.time(), p + "time");
            assertEquals(value(manifest, p + "tfid"), rec.targetFid().toString(), p + "tfid");
            assertEquals(value(manifest, p + "pfid"), rec.parentFid().toString(), p + "pfid");
            assertEquals(Optional.ofNullable(manifest.get(p + "sfid")), rec.sourceFid().map(LuFid::toString));
            assertEquals(Optional.ofNullable(manifest.get(p + "spfid")),
                    rec.sourceParentFid().map(LuFid::toString));
            assertEquals(Optional.ofNullable(manifest.get(p + "jobid")), rec.jobId(), p + "jobid");
            assertEquals(Optional.ofNullable(manifest.get(p + "extra_flags")).map(Long::parseUnsignedLong),
                    rec.extraFlags(), p + "extra_flags");
            assertEquals(value(manifest, p + "name"), rec.name(), p + "name");
            assertEquals(Optional.ofNullable(manifest.get(p + "sname")), rec.sourceName(), p + "sname");
            assertEquals(u32(manifest, p + "namelen"),
                    rec.name().length() + rec.sourceName().map(s -> s.length() + 1).orElse(0), p + "namelen");
        }
    }

    @Test
    void typesAndPerTypeFlagsAreNamed() throws Exception {
        ChangelogRecord rename = ChangelogRecord.decode(ByteBuffer.wrap(image(0)));
        assertEquals(ChangelogRecordType.RENAME, rename.type());
        assertEquals(ChangelogFlags.CLF_RENAME_LAST, rename.typeFlags());

        ChangelogRecord hsm = ChangelogRecord.decode(ByteBuffer.wrap(image(2)));
        assertEquals(ChangelogRecordType.HSM, hsm.type());
        assertEquals(5, ChangelogFlags.hsmErrno(hsm.typeFlags()));
        assertEquals(1, ChangelogFlags.hsmEvent(hsm.typeFlags()));
        assertTrue(ChangelogFlags.hsmDirty(hsm.typeFlags()));
        assertFalse(hsm.sourceFid().isPresent());

        assertEquals(ChangelogRecordType.CREATE, ChangelogRecord.decode(ByteBuffer.wrap(image(1))).type());
        assertEquals(ChangelogRecordType.UNKNOWN, ChangelogRecordType.fromCode(99));
        assertEquals(ChangelogRecordType.DN_OPEN, ChangelogRecordType.fromCode(24));
    }

    @Test
    void truncatedRecordIsRefused() throws Exception {
        byte[] cut = Arrays.copyOf(image(0), image(0).length - 1);
        LustreFormatException e = assertThrows(LustreFormatException.class,
                () -> ChangelogRecord.decode(ByteBuffer.wrap(cut)));
        assertTrue(e.getMessage().contains("needs 161 bytes"), e.getMessage()); // 148 + NUL + "old-name.dat"
        assertThrows(LustreFormatException.class, () -> ChangelogRecord.decode(ByteBuffer.wrap(new byte[63])));
    }

    @Test
    void extraFlagsNamingUnknownExtensionsAreRefused() throws Exception {
        byte[] bad = image(0);
        // extra flags sit after the header (64), rename (32) and jobid (32) extensions
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(128, 0x1);
        LustreFormatException e = assertThrows(LustreFormatException.class,
                () -> ChangelogRecord.decode(AbiImages.toNative(bad)));
        assertTrue(e.getMessage().contains("cr_extra_flags 0x1"), e.getMessage());
    }
}

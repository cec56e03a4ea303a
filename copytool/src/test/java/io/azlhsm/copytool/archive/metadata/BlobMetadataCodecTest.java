package io.azlhsm.copytool.archive.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BlobMetadataCodecTest {
    private static final Instant LAST_MODIFIED = Instant.parse("2026-01-02T03:04:05Z");
    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    private static FileAttributes everything() {
        byte[] md5 = new byte[16];
        for (int i = 0; i < md5.length; i++) {
            md5[i] = (byte) (i * 17);
        }
        return new FileAttributes(FileType.FILE, 4_294_967_295L, 1234, 06755,
                Instant.parse("2006-01-02T22:04:05.123456789Z"), Instant.ofEpochSecond(-5, 1),
                Instant.ofEpochSecond(1_700_000_000L, 999_999_999), "[0x200000401:0x1:0x0]", -2L, md5, null);
    }

    @Test
    void writesTheAmlfsKeysInTheirExactForms() {
        Map<String, String> metadata = codec.encode(everything());
        assertEquals("4294967295", metadata.get("owner"));
        assertEquals("1234", metadata.get("group"));
        assertEquals("0755", metadata.get("permissions"), "setuid/setgid dropped, as AMLFS does");
        assertEquals("2006-01-02 22:04:05 +0000", metadata.get("modtime"), "Go layout, whole seconds");
        assertFalse(metadata.containsKey("hdi_isfolder"));
        assertFalse(metadata.containsKey("ftype"));
    }

    @Test
    void writesOurOwnKeysForWhatAmlfsLoses() {
        Map<String, String> metadata = codec.encode(everything());
        assertEquals("1", metadata.get("azlhsm_version"));
        assertEquals("6755", metadata.get("azlhsm_mode"));
        assertEquals("1136239445123456789", metadata.get("azlhsm_mtime_ns"));
        assertEquals("-4999999999", metadata.get("azlhsm_atime_ns"));
        assertEquals("1700000000999999999", metadata.get("azlhsm_ctime_ns"));
        assertEquals("[0x200000401:0x1:0x0]", metadata.get("azlhsm_fid"));
        assertEquals("18446744073709551614", metadata.get("azlhsm_data_version"), "data version is unsigned");
        assertEquals("00112233445566778899aabbccddeeff", metadata.get("azlhsm_md5"));
    }

    @Test
    void everyEncodedSetPassesAzuresRules() throws Exception {
        MetadataLimits.check("x", codec.encode(everything()));
        MetadataLimits.check("x", codec.encode(new FileAttributes(FileType.SYMLINK, 0, 0, 0777, Instant.EPOCH,
                null, null, null, null, null, "../target")));
    }

    @Test
    void roundTripsEverythingExactly() {
        FileAttributes original = everything();
        BlobMetadataCodec.Decoded decoded = codec.decode(codec.encode(original), LAST_MODIFIED);
        assertEquals(original, decoded.attributes());
        assertEquals(List.of(), decoded.problems());
    }

    @Test
    void roundTripsDirectoriesAndSymlinks() {
        FileAttributes dir = new FileAttributes(FileType.DIRECTORY, 5, 6, 01777, Instant.ofEpochSecond(7), null, null,
                null, null, null, null);
        Map<String, String> dirMetadata = codec.encode(dir);
        assertEquals("true", dirMetadata.get("hdi_isfolder"));
        assertEquals("1777", dirMetadata.get("permissions"), "sticky kept");
        assertEquals(dir, codec.decode(dirMetadata, LAST_MODIFIED).attributes());

        FileAttributes link = new FileAttributes(FileType.SYMLINK, 0, 0, 0777, Instant.ofEpochSecond(8), null, null,
                null, null, null, null);
        Map<String, String> linkMetadata = codec.encode(link);
        assertEquals("LNK", linkMetadata.get("ftype"));
        BlobMetadataCodec.Decoded decodedLink = codec.decode(linkMetadata, LAST_MODIFIED);
        assertEquals(link, decodedLink.attributes());
        assertTrue(decodedLink.symlinkTargetInBody(), "AMLFS keeps the target in the body");
    }

    @Test
    void readsAmlfsMetadataWithoutOurKeys() {
        Map<String, String> amlfs = Map.of("owner", "1000", "group", "100", "permissions", "1755",
                "modtime", "2023-05-06 07:08:09 +0200");
        FileAttributes attributes = codec.decode(amlfs, LAST_MODIFIED).attributes();
        assertEquals(FileType.FILE, attributes.type());
        assertEquals(1000, attributes.uid());
        assertEquals(100, attributes.gid());
        assertEquals(01755, attributes.mode());
        assertEquals(Instant.parse("2023-05-06T05:08:09Z"), attributes.mtime());
        assertNull(attributes.atime());
        assertNull(attributes.md5());
        assertNull(attributes.dataVersion());
    }

    @Test
    void readsNamesIgnoringCaseAndTheOlderAliases() {
        FileAttributes upper = codec.decode(Map.of("Owner", "11", "Group", "12", "Permissions", "0600",
                "ModTime", "2020-01-01 00:00:00 +0000", "HDI_ISFOLDER", "TRUE"), LAST_MODIFIED).attributes();
        assertEquals(11, upper.uid());
        assertEquals(12, upper.gid());
        assertEquals(0600, upper.mode());
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), upper.mtime());
        assertEquals(FileType.DIRECTORY, upper.type());

        FileAttributes aliases = codec.decode(Map.of("uid", "21", "GID", "22", "perm", "0640"), LAST_MODIFIED)
                .attributes();
        assertEquals(21, aliases.uid());
        assertEquals(22, aliases.gid());
        assertEquals(0640, aliases.mode());
    }

    @Test
    void appliesAmlfsDefaultsWhenNothingIsThere() {
        FileAttributes file = codec.decode(Map.of(), LAST_MODIFIED).attributes();
        assertEquals(FileType.FILE, file.type());
        assertEquals(0, file.uid());
        assertEquals(0, file.gid());
        assertEquals(0644, file.mode());
        assertEquals(LAST_MODIFIED, file.mtime(), "mtime from Last-Modified");

        FileAttributes dir = codec.decode(Map.of("hdi_isfolder", "true"), LAST_MODIFIED).attributes();
        assertEquals(0777, dir.mode());
        FileAttributes link = codec.decode(Map.of("ftype", "LNK"), LAST_MODIFIED).attributes();
        assertEquals(FileType.SYMLINK, link.type());
        assertEquals(0777, link.mode());
    }

    @Test
    void readsTheOlderSymlinkKeyWithItsTarget() {
        BlobMetadataCodec.Decoded decoded = codec.decode(Map.of("Symlink", "/etc/hosts"), LAST_MODIFIED);
        assertEquals(FileType.SYMLINK, decoded.attributes().type());
        assertEquals("/etc/hosts", decoded.attributes().symlinkTarget());
        assertFalse(decoded.symlinkTargetInBody());
    }

    @Test
    void hdiIsFolderFalseIsAFile() {
        assertEquals(FileType.FILE, codec.decode(Map.of("hdi_isfolder", "false"), LAST_MODIFIED).attributes().type());
    }

    @ParameterizedTest(name = "{0} -> 0{1}")
    @CsvSource({"rwxrwxrwx, 777", "rw-r--r--, 644", "---------, 0", "rwxrwxrwxt, 1777", "r-x------, 500",
            "0000, 0", "1777, 1777", "0644, 644"})
    void acceptsBothPermissionForms(String permissions, String octal) {
        BlobMetadataCodec.Decoded decoded = codec.decode(Map.of("permissions", permissions), LAST_MODIFIED);
        assertEquals(Integer.parseInt(octal, 8), decoded.attributes().mode());
        assertEquals(List.of(), decoded.problems());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2644", "4755", "644", "07777", "0o644", "rwxrwxrw", "rwxrwxrwxT", "rwsr-xr-x", "abc", ""})
    void refusesOtherPermissionFormsAndFallsBackToTheDefault(String permissions) {
        BlobMetadataCodec.Decoded decoded = codec.decode(Map.of("permissions", permissions), LAST_MODIFIED);
        assertEquals(0644, decoded.attributes().mode());
        assertEquals(1, decoded.problems().size(), decoded.problems().toString());
        assertTrue(decoded.problems().get(0).contains(permissions));
    }

    @Test
    void ourFullModeWinsOverPermissionsAndAMalformedOneFallsBack() {
        assertEquals(04755, codec.decode(Map.of("permissions", "0755", "azlhsm_mode", "4755"), LAST_MODIFIED)
                .attributes().mode());
        BlobMetadataCodec.Decoded bad = codec.decode(Map.of("permissions", "0755", "azlhsm_mode", "x"), LAST_MODIFIED);
        assertEquals(0755, bad.attributes().mode());
        assertEquals(1, bad.problems().size());
    }

    static Stream<Arguments> badIds() {
        return Stream.of(Arguments.of("-1"), Arguments.of("4294967296"), Arguments.of("12345678901"),
                Arguments.of("root"), Arguments.of(" 1"), Arguments.of("1.0"));
    }

    @ParameterizedTest(name = "owner \"{0}\"")
    @MethodSource("badIds")
    void malformedIdsAreReportedAndDefaultToRoot(String value) {
        BlobMetadataCodec.Decoded decoded = codec.decode(Map.of("owner", value, "group", value), LAST_MODIFIED);
        assertEquals(0, decoded.attributes().uid());
        assertEquals(0, decoded.attributes().gid());
        assertEquals(2, decoded.problems().size());
    }

    @Test
    void aMalformedOwnerFallsBackToTheAliasWhenThatIsValid() {
        BlobMetadataCodec.Decoded decoded = codec.decode(Map.of("owner", "bob", "uid", "501"), LAST_MODIFIED);
        assertEquals(501, decoded.attributes().uid());
        assertEquals(1, decoded.problems().size());
    }

    @ParameterizedTest(name = "modtime \"{0}\"")
    @ValueSource(strings = {"2006-01-02T15:04:05Z", "2006-01-02 15:04:05", "yesterday", "2006-13-02 15:04:05 +0000"})
    void aMalformedModtimeFallsBackToLastModified(String modtime) {
        BlobMetadataCodec.Decoded decoded = codec.decode(Map.of("modtime", modtime), LAST_MODIFIED);
        assertEquals(LAST_MODIFIED, decoded.attributes().mtime());
        assertEquals(1, decoded.problems().size());
    }

    @Test
    void nanosecondTimesWinOverModtimeAndMalformedOnesAreReported() {
        Map<String, String> metadata = new HashMap<>(Map.of("modtime", "2020-01-01 00:00:00 +0000",
                "azlhsm_mtime_ns", "1577836800000000001"));
        assertEquals(Instant.parse("2020-01-01T00:00:00.000000001Z"),
                codec.decode(metadata, LAST_MODIFIED).attributes().mtime());
        metadata.put("azlhsm_mtime_ns", "99999999999999999999");
        BlobMetadataCodec.Decoded decoded = codec.decode(metadata, LAST_MODIFIED);
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), decoded.attributes().mtime());
        assertEquals(1, decoded.problems().size());
    }

    @Test
    void malformedOptionalKeysAreDroppedAndReported() {
        BlobMetadataCodec.Decoded decoded = codec.decode(Map.of("azlhsm_md5", "not-hex-not-hex-not-hex-not-hex!",
                "azlhsm_data_version", "-1", "azlhsm_atime_ns", "soon"), LAST_MODIFIED);
        assertNull(decoded.attributes().md5());
        assertNull(decoded.attributes().dataVersion());
        assertNull(decoded.attributes().atime());
        assertEquals(3, decoded.problems().size());
        assertArrayEquals(new byte[16], codec.decode(Map.of("azlhsm_md5", "0".repeat(32)), LAST_MODIFIED)
                .attributes().md5());
    }

    // ---------------------------------------------------------------------------------------- other tools' styles

    /** A regular file 0640 as azcopy 10.32's standard style writes it (statx path of AddStatToBlobMetadata). */
    private static Map<String, String> azcopyStandard(String stMode) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("posix_owner", "1001");
        metadata.put("posix_group", "1002");
        metadata.put("permissions", stMode);
        metadata.put("modtime", "1700000000123456789");
        metadata.put("posix_atime", "1700000001000000002");
        metadata.put("posix_ctime", "1700000002000000003");
        metadata.put("posix_nlink", "1");
        metadata.put("posix_ino", "1234567");
        metadata.put("posix_dev", "64768");
        metadata.put("linux_statx_mask", "4095");
        metadata.put("linux_attribute", "0");
        metadata.put("linux_attribute_mask", "3145844");
        metadata.put("linux_btime", "1699999999000000000");
        return metadata;
    }

    /** The same file as azcopy's --posix-properties-style amlfs writes it. */
    private static Map<String, String> azcopyAmlfs(String permissions) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("owner", "1001");
        metadata.put("group", "1002");
        metadata.put("permissions", permissions);
        metadata.put("modtime", "2023-11-14 22:13:20 +0000");
        metadata.put("posix_atime", "1700000001000000002");
        metadata.put("posix_ctime", "1700000002000000003");
        metadata.put("posix_nlink", "1");
        metadata.put("posix_ino", "1234567");
        metadata.put("posix_dev", "64768");
        metadata.put("linux_statx_mask", "4095");
        return metadata;
    }

    @Test
    void readsAzcopysStandardStyleWithTheDecimalStModeAndNanosecondTimes() {
        BlobMetadataCodec.Decoded decoded = codec.decode(azcopyStandard("33184"), LAST_MODIFIED); // 0100640
        FileAttributes file = decoded.attributes();
        assertEquals(MetadataStyle.AZCOPY_STANDARD, decoded.style());
        assertEquals(FileType.FILE, file.type());
        assertEquals(List.of(1001L, 1002L, 0640), List.of(file.uid(), file.gid(), file.mode()));
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 123_456_789), file.mtime());
        assertEquals(Instant.ofEpochSecond(1_700_000_001L, 2), file.atime());
        assertEquals(Instant.ofEpochSecond(1_700_000_002L, 3), file.ctime());
        assertEquals(List.of(), decoded.defaulted());
        assertEquals(List.of(), decoded.problems());
        assertNull(decoded.specialType());
        assertEquals(04755, codec.decode(azcopyStandard("35309"), LAST_MODIFIED).attributes().mode(),
                "0104755: the set-id bits are read; the import decides whether to give them");
    }

    @Test
    void azcopysStandardStModeGivesTheTypeDirectorySymlinkOrSpecialFile() {
        Map<String, String> dir = azcopyStandard("16872"); // 040750
        dir.put("hdi_isfolder", "true");
        FileAttributes directory = codec.decode(dir, LAST_MODIFIED).attributes();
        assertEquals(FileType.DIRECTORY, directory.type());
        assertEquals(0750, directory.mode());

        Map<String, String> link = azcopyStandard("41471"); // 0120777, and azcopy's is_char_dev besides is_symlink
        link.put("is_symlink", "true");
        link.put("is_char_dev", "true");
        BlobMetadataCodec.Decoded symlink = codec.decode(link, LAST_MODIFIED);
        assertEquals(FileType.SYMLINK, symlink.attributes().type());
        assertTrue(symlink.symlinkTargetInBody());
        assertNull(symlink.specialType());

        Map<String, String> fifo = azcopyStandard("4516"); // 010644
        fifo.put("is_fifo", "true");
        assertEquals("a FIFO", codec.decode(fifo, LAST_MODIFIED).specialType());
        Map<String, String> socket = azcopyStandard("49645"); // 0140755: azcopy marks it hdi_isfolder too
        socket.put("hdi_isfolder", "true");
        socket.put("is_socket", "true");
        assertEquals("a socket", codec.decode(socket, LAST_MODIFIED).specialType());
    }

    @Test
    void readsAzcopysAmlfsStyleWithItsSymlinkMarkerAndNanosecondAtime() {
        BlobMetadataCodec.Decoded decoded = codec.decode(azcopyAmlfs("0640"), LAST_MODIFIED);
        FileAttributes file = decoded.attributes();
        assertEquals(MetadataStyle.AZCOPY_AMLFS, decoded.style());
        assertEquals(List.of(1001L, 1002L, 0640), List.of(file.uid(), file.gid(), file.mode()));
        assertEquals(Instant.parse("2023-11-14T22:13:20Z"), file.mtime());
        assertEquals(Instant.ofEpochSecond(1_700_000_001L, 2), file.atime());
        assertEquals(List.of(), decoded.defaulted());

        Map<String, String> link = azcopyAmlfs("0777");
        link.put("is_symlink", "true");
        link.put("is_char_dev", "true");
        BlobMetadataCodec.Decoded symlink = codec.decode(link, LAST_MODIFIED);
        assertEquals(FileType.SYMLINK, symlink.attributes().type(), "is_symlink, never ftype=LNK");
        assertTrue(symlink.symlinkTargetInBody());
        assertNull(symlink.specialType());

        Map<String, String> socket = azcopyAmlfs("0755");
        socket.put("hdi_isfolder", "true");
        socket.put("is_socket", "true");
        assertEquals("a socket (is_socket=true)", codec.decode(socket, LAST_MODIFIED).specialType());
        Map<String, String> device = azcopyAmlfs("0660");
        device.put("is_char_dev", "true");
        assertEquals("a character device (is_char_dev=true)", codec.decode(device, LAST_MODIFIED).specialType());
    }

    @Test
    void aDecimalPermissionsIsAnStModeOnlyBesideAzcopysStandardKeys() {
        // "4755" is no AMLFS permission ([0-1][0-7]{3}); read as decimal it would be a FIFO 01223: without
        // posix_owner it is a malformed value, never a type
        BlobMetadataCodec.Decoded amlfs = codec.decode(Map.of("owner", "5", "permissions", "4755"), LAST_MODIFIED);
        assertEquals(0644, amlfs.attributes().mode());
        assertNull(amlfs.specialType());
        assertEquals(1, amlfs.problems().size());
    }

    @Test
    void namesTheStyleByItsKeys() {
        assertEquals(MetadataStyle.AZLHSM, codec.decode(codec.encode(everything()), LAST_MODIFIED).style());
        assertEquals(MetadataStyle.AMLFS, codec.decode(Map.of("owner", "1", "permissions", "0644"), LAST_MODIFIED)
                .style());
        assertEquals(MetadataStyle.AMLFS, codec.decode(Map.of("ftype", "LNK"), LAST_MODIFIED).style());
        assertEquals(MetadataStyle.NONE, codec.decode(Map.of("colour", "blue"), LAST_MODIFIED).style());
    }

    @Test
    void namesEachAttributeThatHadToBeDefaulted() {
        assertEquals(List.of("owner", "group", "mode", "mtime"), codec.decode(Map.of(), LAST_MODIFIED).defaulted());
        assertEquals(List.of("group", "mode", "mtime"), codec.decode(Map.of("owner", "7"), LAST_MODIFIED)
                .defaulted());
        assertEquals(List.of("owner", "group", "mtime"), codec.decode(Map.of("is_symlink", "true"), LAST_MODIFIED)
                .defaulted(), "a symlink's mode means nothing");
        BlobMetadataCodec.Decoded garbled = codec.decode(Map.of("owner", "bob", "group", "1", "permissions", "0644",
                "modtime", "yesterday"), LAST_MODIFIED);
        assertEquals(List.of("owner", "mtime"), garbled.defaulted());
        assertEquals(2, garbled.problems().size());
        assertEquals(List.of(), codec.decode(codec.encode(everything()), LAST_MODIFIED).defaulted());
    }

    @Test
    void symlinkBlobsCarryAzcopysMarkerBesideAmlfsOne() {
        Map<String, String> metadata = codec.encode(new FileAttributes(FileType.SYMLINK, 0, 0, 0777,
                Instant.EPOCH, null, null, null, null, null, null));
        assertEquals("LNK", metadata.get("ftype"));
        assertEquals("true", metadata.get("is_symlink"));
        assertFalse(codec.encode(everything()).containsKey("is_symlink"));
    }

    @Test
    void modesArePrintedAsAtLeastFourOctalDigitsAsFormatWould() {
        for (int mode : new int[] {0, 07, 0644, 01777, 04755, 07777, 0100644, -1}) {
            assertEquals(String.format(java.util.Locale.ROOT, "%04o", mode), BlobMetadataCodec.octal4(mode));
        }
    }
}

package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ContentChecksumTest {
    private static final byte[] TEXT = "123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void crc32cOfTheStandardCheckStringIsE3069283BigEndianAndChunkingDoesNotMatter() {
        ContentChecksum whole = ContentChecksum.start(ChecksumAlgorithm.CRC32C);
        whole.update(ByteBuffer.wrap(TEXT));
        assertEquals("e3069283", HexFormat.of().formatHex(whole.finish())); // RFC 3720's CRC32C check value

        ContentChecksum pieces = ContentChecksum.start(ChecksumAlgorithm.CRC32C);
        ByteBuffer direct = ByteBuffer.allocateDirect(TEXT.length).put(TEXT).flip();
        pieces.update(direct.duplicate().limit(4));
        pieces.update(direct.duplicate().position(4));
        assertEquals("e3069283", HexFormat.of().formatHex(pieces.finish()));
        assertEquals(0, direct.position(), "update must not move the caller's buffer");
    }

    @Test
    void md5MatchesTheJdkDigest() throws Exception {
        ContentChecksum md5 = ContentChecksum.start(ChecksumAlgorithm.MD5);
        md5.update(ByteBuffer.wrap(TEXT));
        assertArrayEquals(MessageDigest.getInstance("MD5").digest(TEXT), md5.finish());
        assertEquals(ChecksumAlgorithm.MD5, md5.algorithm());
    }
}

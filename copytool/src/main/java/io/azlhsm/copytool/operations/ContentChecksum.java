package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.copytool.archive.ContentMd5;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.zip.CRC32C;

/** The running whole-file checksum of one transfer: fed the chunks in file order, read once at the end. */
abstract class ContentChecksum {
    private final ChecksumAlgorithm algorithm;

    private ContentChecksum(ChecksumAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    static ContentChecksum start(ChecksumAlgorithm algorithm) {
        return switch (algorithm) {
            case MD5 -> new Md5();
            case CRC32C -> new Crc32c();
        };
    }

    final ChecksumAlgorithm algorithm() {
        return algorithm;
    }

    /** Adds the buffer's remaining bytes without moving its position. */
    abstract void update(ByteBuffer chunk);

    /** The checksum of everything added, {@link ChecksumAlgorithm#length()} bytes. */
    abstract byte[] finish();

    private static final class Md5 extends ContentChecksum {
        private final MessageDigest digest;

        Md5() {
            super(ChecksumAlgorithm.MD5);
            digest = ContentMd5.newDigest();
        }

        @Override
        void update(ByteBuffer chunk) {
            digest.update(chunk.duplicate());
        }

        @Override
        byte[] finish() {
            return digest.digest();
        }
    }

    private static final class Crc32c extends ContentChecksum {
        private final CRC32C crc = new CRC32C();

        Crc32c() {
            super(ChecksumAlgorithm.CRC32C);
        }

        @Override
        void update(ByteBuffer chunk) {
            crc.update(chunk.duplicate());
        }

        @Override
        byte[] finish() {
            return ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
        }
    }
}

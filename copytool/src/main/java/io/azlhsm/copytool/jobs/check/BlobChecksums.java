package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.operations.ArchiveRecord;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * {@code --deep}: reads a recorded blob back, whole, with If-Match on the recorded ETag, and compares its checksum
 * with the one the record holds (MD5, or CRC32C for a posix archive), as a restore would at its end. One buffer of
 * the configured chunk size, allocated once and reused for every blob (a buffer per blob, zeroed by the JVM, cost
 * more CPU than the reads of small blobs: the benchmark's profile showed it); the backend given is throttled by the
 * configured bandwidth limits. One caller at a time (the check's pass).
 */
final class BlobChecksums {
    private final ArchiveBackend backend;
    private final int bufferSize;
    private final AtomicLong bytesRead = new AtomicLong();
    private ByteBuffer buffer;

    BlobChecksums(ArchiveBackend backend, long chunkSize) {
        this.backend = backend;
        this.bufferSize = (int) Math.min(Math.max(chunkSize, 64 << 10), 64 << 20);
    }

    /**
     * @param size the blob's size (the listing's or stat's)
     * @return why the bytes do not match the record; empty when they match or the record holds no checksum
     * @throws ArchiveException when the blob cannot be read (gone or replaced meanwhile: PRECONDITION)
     */
    synchronized Optional<String> mismatch(ArchiveRecord record, long size) throws ArchiveException {
        byte[] md5 = record.md5();
        byte[] crc32c = record.crc32c();
        if (md5 == null && crc32c == null) {
            return Optional.empty();
        }
        MessageDigest digest = md5 != null ? md5() : null;
        CRC32C crc = md5 == null ? new CRC32C() : null;
        if (buffer == null) {
            buffer = ByteBuffer.allocate(bufferSize);
        }
        for (long offset = 0; offset < size; ) {
            int n = (int) Math.min(bufferSize, size - offset);
            buffer.clear().limit(n);
            backend.read(record.blob(), record.etag(), offset, buffer); // fills all n bytes, or fails
            if (digest != null) {
                digest.update(buffer.array(), 0, n);
            } else {
                crc.update(buffer.array(), 0, n);
            }
            offset += n;
            bytesRead.addAndGet(n);
        }
        byte[] found = digest != null ? digest.digest()
                : ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
        byte[] expected = md5 != null ? md5 : crc32c;
        if (Arrays.equals(found, expected)) {
            return Optional.empty();
        }
        String algorithm = md5 != null ? "MD5" : "CRC32C";
        return Optional.of("read back, its " + algorithm + " is " + HexFormat.of().formatHex(found) + ", the record's "
                + HexFormat.of().formatHex(expected));
    }

    long bytesRead() {
        return bytesRead.get();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }
}

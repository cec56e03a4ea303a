package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdRangeInputStreamTest {
    private static final FdChannelTest.OpenCall LIBC = LibraryLoader.create(FdChannelTest.OpenCall.class).load("c");

    @TempDir
    Path dir;

    @Test
    void streamsExactlyTheRangeAcrossBufferRefillsAndReplaysAfterReset() throws IOException {
        byte[] content = new byte[3 * (1 << 20) + 777];
        new Random(7).nextBytes(content);
        Path file = dir.resolve("f");
        Files.write(file, content);
        long offset = 123_456;
        int length = 2 * (1 << 20) + 99;
        try (FdChannel channel = new FdChannel(LIBC.open(file.toString(), 0), "f")) {
            InputStream range = new FdRangeInputStream(channel, offset, length);
            range.mark(Integer.MAX_VALUE);
            byte[] first = readAll(range);
            range.reset(); // what an HTTP client does before retrying a request body
            byte[] replay = readAll(range);
            byte[] expected = Arrays.copyOfRange(content, (int) offset, (int) offset + length);
            assertArrayEquals(expected, first);
            assertArrayEquals(expected, replay);
            assertEquals(-1, range.read());
        }
    }

    @Test
    void aFileShorterThanTheRangeIsAnErrorNotATruncatedBlock() throws IOException {
        Path file = dir.resolve("short");
        Files.write(file, new byte[1000]);
        try (FdChannel channel = new FdChannel(LIBC.open(file.toString(), 0), "short")) {
            InputStream range = new FdRangeInputStream(channel, 500, 1000);
            assertThrows(IOException.class, () -> readAll(range));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[70_000];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}

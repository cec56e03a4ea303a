package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdChannelTest {
    private static final OpenCall LIBC = LibraryLoader.create(OpenCall.class).load("c");
    private static final int O_RDWR = 2;

    @TempDir
    Path dir;

    @Test
    void positionalReadsAndWritesHonourBufferPositionAndOffset() throws IOException {
        Path file = dir.resolve("f");
        Files.write(file, "0123456789".getBytes());
        try (FdChannel channel = new FdChannel(LIBC.open(file.toString(), O_RDWR), file.toString())) {
            ByteBuffer dst = ByteBuffer.allocateDirect(8);
            dst.position(2);
            assertEquals(4, channel.readFully(dst.limit(6), 3));
            byte[] read = new byte[4];
            dst.position(2);
            dst.get(read);
            assertArrayEquals("3456".getBytes(), read);

            ByteBuffer src = ByteBuffer.allocateDirect(8).put("xxABCxx".getBytes()).flip();
            src.position(2).limit(5);
            channel.writeFully(src, 12); // beyond EOF: leaves a hole, extends the file
            assertEquals(15, channel.size());
            channel.fsync();
        }
        byte[] content = Files.readAllBytes(file);
        assertEquals("ABC", new String(content, 12, 3));
        assertEquals(0, content[10]);
    }

    @Test
    void readStopsShortAtEndOfFile() throws IOException {
        Path file = dir.resolve("short");
        Files.write(file, new byte[100]);
        try (FdChannel channel = new FdChannel(LIBC.open(file.toString(), O_RDWR), "short")) {
            assertEquals(40, channel.readFully(ByteBuffer.allocateDirect(64), 60));
        }
    }

    @Test
    void errorsNameTheFileAndTheErrno() {
        FdChannel closed = new FdChannel(999_999, "[0x200000401:0x1:0x0] /mnt/lustre/f");
        IOException error = assertThrows(IOException.class, () -> closed.readFully(ByteBuffer.allocateDirect(8), 0));
        assertTrue(error.getMessage().contains("/mnt/lustre/f"), error.getMessage());
        assertTrue(error.getMessage().contains("Bad file descriptor (errno 9)"), error.getMessage());
    }

    public interface OpenCall {
        int open(String path, int flags);
    }
}

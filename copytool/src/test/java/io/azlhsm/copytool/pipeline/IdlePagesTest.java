package io.azlhsm.copytool.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** What {@link IdlePages#release} drops: every whole page of the buffer, wherever the buffer's position is. */
class IdlePagesTest {
    @Test
    void dropsEveryWholePageOfTheBufferWhateverItsPosition() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 4096 + 100);
        // a stage leaves the position anywhere: at the end after a write consumed it, here in the middle
        buffer.position(buffer.capacity() / 2);
        long whole = ResidentPages.wholePageBytes(buffer);
        assertEquals(whole, ResidentPages.residentBytes(buffer), "allocateDirect zeroes, so every page is in");

        assertEquals(whole, IdlePages.release(buffer), "bytes given back");
        assertEquals(0, ResidentPages.residentBytes(buffer), "resident after release");
        assertEquals(buffer.capacity() / 2, buffer.position(), "the buffer itself is untouched");

        buffer.put(0, (byte) 7).put(buffer.capacity() - 1, (byte) 9);
        assertEquals(7, buffer.get(0), "still usable after release");
        assertEquals(9, buffer.get(buffer.capacity() - 1));
        assertEquals(0, buffer.get(buffer.capacity() / 2), "contents not kept: a fresh zeroed page");
    }
}

package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamedBlocksTest {
    private static final long MIB = 1L << 20;

    @Test
    void blocksUpToARingSlotAreOneChunk() {
        assertEquals(4 << 20, StreamedBlocks.ringChunkDividing(4 * MIB, 8 << 20));
        assertEquals(8 << 20, StreamedBlocks.ringChunkDividing(8 * MIB, 8 << 20));
    }

    @Test
    void largerBlocksAreWholeRingChunksAndKeepTheirSize() {
        // Azure's largest block over the default 8 MiB slots: 500 chunks of 8 MiB
        assertEquals(8 << 20, StreamedBlocks.ringChunkDividing(4000 * MIB, 8 << 20));
        // over 64 MiB slots, 4,000 MiB is no whole number of them: 64 chunks of 62.5 MiB, not a 4,032 MiB block
        // (which Azure would refuse)
        assertEquals(65_536_000, StreamedBlocks.ringChunkDividing(4000 * MIB, 64 << 20));
        assertEquals(0, (4000 * MIB) % 65_536_000);
        assertEquals(1 << 20, StreamedBlocks.ringChunkDividing(2049 * MIB, 1 << 20));
    }

    @Test
    void aBlockWithNoLargeDivisorIsLeftToBeRoundedUp() {
        // 4 MiB + 3 bytes (a configured block_size): no divisor between 0.5 and 1 MiB
        assertEquals(-1, StreamedBlocks.ringChunkDividing(4 * MIB + 3, 1 << 20));
        assertEquals(838_861, StreamedBlocks.ringChunkDividing(4 * MIB + 1, 1 << 20)); // 5 x 838,861
    }
}

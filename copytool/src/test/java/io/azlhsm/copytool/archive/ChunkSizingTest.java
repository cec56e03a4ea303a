package io.azlhsm.copytool.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.azure.AzureBlobBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkSizingTest {
    private static final long MIB = ChunkSizing.MIB;
    private static final long TIB = 1L << 40;
    private final ChunkSizing azure =
            new ChunkSizing(8 * MIB, AzureBlobBackend.MAX_BLOCKS, AzureBlobBackend.MAX_BLOCK_SIZE);

    @Test
    void filesThatFitKeepTheConfiguredChunk() throws Exception {
        assertEquals(8 * MIB, azure.chunkSize(0));
        assertEquals(8 * MIB, azure.chunkSize(1));
        assertEquals(8 * MIB, azure.chunkSize(50_000 * 8 * MIB), "exactly 50,000 parts");
    }

    @Test
    void oneByteMoreGrowsByOneMib() throws Exception {
        assertEquals(9 * MIB, azure.chunkSize(50_000 * 8 * MIB + 1));
    }

    @ParameterizedTest(name = "{0} TiB")
    @ValueSource(longs = {1, 10, 50, 90, 97, 98, 150, 190})
    void largeFilesGrowInWholeMibAndStayWithinFiftyThousandBlocks(long tebibytes) throws Exception {
        long size = tebibytes * TIB;
        long chunk = azure.chunkSize(size);
        assertEquals(0, chunk % MIB);
        assertTrue(ChunkSizing.partCount(size, chunk) <= 50_000);
        assertTrue(ChunkSizing.partCount(size, chunk - MIB) > 50_000, "the smallest whole-MiB chunk that fits");
        assertTrue(chunk <= AzureBlobBackend.MAX_BLOCK_SIZE);
    }

    @Test
    void theLargestBlobIsFiftyThousandBlocksOfFourThousandMib() throws Exception {
        // above 50,000 x 2,047 MiB (a ByteBuffer's limit) blocks keep growing: they are streamed, not buffered
        long largest = 50_000 * AzureBlobBackend.MAX_BLOCK_SIZE; // 190.7 TiB
        assertEquals(4000 * MIB, azure.chunkSize(largest));
        assertEquals(2048 * MIB, azure.chunkSize(50_000 * ChunkSizing.MAX_BUFFER_CHUNK + 1));
        ArchiveException e = assertThrows(ArchiveException.class, () -> azure.chunkSize(largest + 1));
        assertEquals(Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("4001 MiB"), e.getMessage());
    }

    @Test
    void threeHundredTebibytesCannotBeOneBlockBlob() {
        // 300 TiB / 50,000 blocks needs 6,292 MiB blocks: above Azure's 4,000 MiB block limit.
        ArchiveException e = assertThrows(ArchiveException.class, () -> azure.chunkSize(300 * TIB));
        assertEquals(Kind.TOO_LARGE, e.kind());
        assertEquals(ArchiveException.Errno.EFBIG, e.errno());
        assertTrue(e.getMessage().contains("6292 MiB"), e.getMessage());
    }

    @Test
    void theLargestChunkIsTheLargestWholeMibAByteBufferHolds() {
        assertEquals(2047 * MIB, ChunkSizing.MAX_BUFFER_CHUNK);
        assertTrue(ChunkSizing.MAX_BUFFER_CHUNK <= Integer.MAX_VALUE);
    }

    @Test
    void withoutAPartLimitTheChunkNeverGrows() throws Exception {
        ChunkSizing posix = new ChunkSizing(4 * MIB, Integer.MAX_VALUE, ChunkSizing.MAX_BUFFER_CHUNK);
        assertEquals(4 * MIB, posix.chunkSize(300 * TIB));
    }

    @Test
    void partCountRoundsUp() {
        assertEquals(0, ChunkSizing.partCount(0, 10));
        assertEquals(1, ChunkSizing.partCount(10, 10));
        assertEquals(2, ChunkSizing.partCount(11, 10));
    }

    @Test
    void layoutChecksEachChunksExactLength() throws Exception {
        ChunkLayout layout = ChunkLayout.of("obj", 25, 10, 100);
        assertEquals(3, layout.chunkCount());
        assertEquals(20, layout.offset(2));
        assertEquals(5, layout.length(2));
        layout.check(0, 10);
        layout.check(2, 5);
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class, () -> layout.check(1, 9)).kind());
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class, () -> layout.check(3, 0)).kind());
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class, () -> layout.check(-1, 10)).kind());
        assertEquals(Kind.TOO_LARGE, assertThrows(ArchiveException.class,
                () -> ChunkLayout.of("obj", 1001, 10, 100)).kind());
    }
}

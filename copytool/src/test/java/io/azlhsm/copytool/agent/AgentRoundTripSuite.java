package io.azlhsm.copytool.agent;

import static io.azlhsm.copytool.agent.AgentTestBed.ARCHIVED;
import static io.azlhsm.copytool.agent.AgentTestBed.RELEASED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every backend must do through the whole agent: files of every boundary size and one large file survive
 * archive, release and restore byte for byte; the archive record survives a rename; REMOVE deletes; duplicate
 * requests are harmless; many small files go both ways concurrently. Subclasses supply the backend.
 */
abstract class AgentRoundTripSuite {
    static final long CHUNK = 1 << 20; // the test bed's pipeline.chunk_size
    static final Duration SHORT = Duration.ofSeconds(60);

    /** The running test bed of the subclass (one agent per cluster mount). */
    abstract AgentTestBed bed();

    /** Whether the archive holds the object of this name. */
    abstract boolean archiveHas(String objectName) throws Exception;

    /** The whole-file checksum the backend under test keeps, hence the one its archive records must hold. */
    abstract ChecksumAlgorithm checksumAlgorithm();

    /** Size of the large-file round trip (the issue asks for at least 300 MiB on the product backend). */
    long largeFileSize() {
        return 300L << 20;
    }

    @Test
    void boundarySizesRoundTripByteIdentical() throws Exception {
        List<Path> files = new ArrayList<>();
        for (long size : new long[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK + 17}) {
            files.add(bed().write("sizes/f-" + size, size));
        }
        assertRoundTrip(files);
    }

    @Test
    void largeFileRoundTripsByteIdentical() throws Exception {
        assertRoundTrip(List.of(bed().write("large/big.bin", largeFileSize())));
    }

    @Test
    void restoreFindsTheBlobAfterARename() throws Exception {
        Path file = bed().write("rename/before.dat", 3 * CHUNK + 5);
        byte[] md5 = AgentTestBed.md5(file);
        bed().archive(file);
        bed().awaitFlags(file, ARCHIVED, SHORT);
        bed().release(file);
        Path renamed = Files.move(file, file.resolveSibling("after.dat"));
        bed().restore(renamed);
        bed().awaitFlags(renamed, ARCHIVED, SHORT);
        assertArrayEquals(md5, AgentTestBed.md5(renamed));
        assertEquals("rename/before.dat", record(renamed).orElseThrow().blob().replaceFirst("^.*?rename/", "rename/"));
    }

    @Test
    void removeDeletesTheBlobAndTheRecord() throws Exception {
        Path file = bed().write("remove/gone.dat", 2 * CHUNK);
        bed().archive(file);
        bed().awaitFlags(file, ARCHIVED, SHORT);
        String blob = record(file).orElseThrow().blob();
        assertTrue(archiveHas(blob));
        bed().lfs("hsm_remove", List.of(file));
        bed().awaitFlags(file, 0x00, SHORT);
        assertFalse(archiveHas(blob), blob + " still in the archive");
        assertTrue(record(file).isEmpty(), "archive record left on the file");
    }

    /**
     * remove_archive_on_last_unlink: Lustre's REMOVE of an unlinked file carries no data (mdt_lib.c:1097-1103) and the
     * file and its record are gone, so the archive's FID index must find the object: a chunked and a single-request
     * one are deleted. A file renamed away after its archive, whose name another live file then archived to (its copy
     * is preserved first), finds nothing of its own at that name: the other file's object is not touched.
     */
    @Test
    void removeOnLastUnlinkFindsTheObjectByFidAlone() throws Exception {
        Path chunked = bed().write("raolu/chunked.dat", 33 * CHUNK + 1); // over the default single_put_limit
        Path small = bed().write("raolu/small.dat", 1000);
        Path renamed = bed().write("raolu/shared.dat", 1500);
        bed().archive(chunked, small, renamed);
        for (Path file : List.of(chunked, small, renamed)) {
            bed().awaitFlags(file, ARCHIVED, SHORT);
        }
        String chunkedBlob = record(chunked).orElseThrow().blob();
        String smallBlob = record(small).orElseThrow().blob();
        String sharedBlob = record(renamed).orElseThrow().blob();
        Path movedAway = Files.move(renamed, renamed.resolveSibling("moved.dat"));
        Path live = bed().write("raolu/shared.dat", 2000);
        byte[] liveMd5 = AgentTestBed.md5(live);
        bed().archive(live);
        bed().awaitFlags(live, ARCHIVED, SHORT);
        assertEquals(sharedBlob, record(live).orElseThrow().blob());
        List<String> fids = List.of(bed().cluster.fid(chunked), bed().cluster.fid(small),
                bed().cluster.fid(movedAway));

        bed().cluster.setParam("remove_archive_on_last_unlink", "1");
        try {
            Files.delete(chunked);
            Files.delete(small);
            Files.delete(movedAway);
            for (String fid : fids) {
                bed().cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
            }
        } finally {
            bed().cluster.setParam("remove_archive_on_last_unlink", "0");
        }
        assertFalse(archiveHas(chunkedBlob), chunkedBlob + " still in the archive");
        assertFalse(archiveHas(smallBlob), smallBlob + " still in the archive");
        assertTrue(archiveHas(sharedBlob), "the live file's object at the unlinked file's old name was deleted");
        bed().release(live);
        bed().restore(live);
        bed().awaitFlags(live, ARCHIVED, SHORT);
        assertArrayEquals(liveMd5, AgentTestBed.md5(live), "the live file's copy was changed");
    }

    @Test
    void duplicateArchiveRequestsLeaveOneCorrectBlob() throws Exception {
        Path file = bed().write("dup/twice.dat", 4 * CHUNK + 3);
        byte[] md5 = AgentTestBed.md5(file);
        bed().archive(file);
        bed().archive(file);
        bed().archive(file);
        bed().awaitFlags(file, ARCHIVED, SHORT);
        bed().awaitIdle(file, SHORT);
        assertEquals(ARCHIVED, bed().cluster.flags(file));
        bed().release(file);
        bed().restore(file);
        bed().awaitFlags(file, ARCHIVED, SHORT);
        assertArrayEquals(md5, AgentTestBed.md5(file));
    }

    @Test
    void twoHundredSmallFilesArchiveAndRestoreConcurrently() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            files.add(bed().write("many/f" + i, 1000 + i * 37L));
        }
        assertRoundTrip(files);
    }

    void assertRoundTrip(List<Path> files) throws Exception {
        List<byte[]> md5s = new ArrayList<>();
        for (Path file : files) {
            md5s.add(AgentTestBed.md5(file));
        }
        bed().archive(files.toArray(Path[]::new));
        for (Path file : files) {
            bed().awaitFlags(file, ARCHIVED, Duration.ofMinutes(3));
        }
        bed().release(files.toArray(Path[]::new));
        for (Path file : files) {
            assertEquals(RELEASED, bed().cluster.flags(file));
        }
        bed().restore(files.toArray(Path[]::new));
        for (Path file : files) {
            bed().awaitFlags(file, ARCHIVED, Duration.ofMinutes(3));
        }
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(md5s.get(i), AgentTestBed.md5(files.get(i)), files.get(i) + " differs after restore");
            ArchiveRecord record = record(files.get(i)).orElseThrow(() -> new AssertionError("no archive record"));
            if (checksumAlgorithm() == ChecksumAlgorithm.MD5) {
                assertArrayEquals(md5s.get(i), record.md5());
                assertNull(record.crc32c());
            } else {
                assertArrayEquals(AgentTestBed.crc32c(files.get(i)), record.crc32c());
                assertNull(record.md5());
            }
        }
    }

    @Test
    void restoreGivesTheFileTheLayoutItWasArchivedWith() throws Exception {
        Path file = bed().mount().resolve("stripes/three.dat");
        Files.createDirectories(file.getParent());
        bed().cluster.lfs("setstripe", "-c", "3", "-S", "2M", "-p", "flash", file.toString()).out();
        bed().write("stripes/three.dat", 5 * CHUNK + 7);
        byte[] md5 = AgentTestBed.md5(file);
        String layout = bed().cluster.lfs("getstripe", file.toString()).out();
        assertTrue(layout.contains("lmm_stripe_count:  3\n"), layout);
        bed().archive(file);
        bed().awaitFlags(file, ARCHIVED, SHORT);
        bed().release(file);
        bed().restore(file);
        bed().awaitFlags(file, ARCHIVED, SHORT);
        assertArrayEquals(md5, AgentTestBed.md5(file));
        assertEquals(layout, bed().cluster.lfs("getstripe", file.toString()).out(),
                "the restored file has the layout it was archived with");
    }

    @Test
    void aSavedLayoutTheFileSystemRefusesGivesTheRestoredFileTheDefaultOne() throws Exception {
        Path file = bed().mount().resolve("stripes/refused.dat");
        Files.createDirectories(file.getParent());
        bed().cluster.lfs("setstripe", "-c", "2", file.toString()).out();
        bed().write("stripes/refused.dat", 3 * CHUNK + 1);
        byte[] md5 = AgentTestBed.md5(file);
        bed().archive(file);
        bed().awaitFlags(file, ARCHIVED, SHORT);
        // as if the layout came from a file system with other rules: a stripe size this one refuses (EINVAL)
        ArchiveRecord archived = record(file).orElseThrow();
        java.nio.ByteBuffer refused = java.nio.ByteBuffer.wrap(archived.layout().bytes())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24, 100_000);
        new ArchiveRecordStore().write(file, new ArchiveRecord(archived.archiveId(), archived.blob(), archived.etag(),
                archived.md5(), archived.dataVersion(), archived.crc32c(),
                io.azlhsm.copytool.lustre.FileLayout.fromHex(java.util.HexFormat.of().formatHex(refused.array()))));
        bed().release(file);
        try (LogWatch log = new LogWatch()) {
            bed().restore(file);
            bed().awaitFlags(file, ARCHIVED, SHORT);
            log.await("RESTORE " + bed().cluster.fid(file) + " stripes/refused.dat: the layout saved when it was"
                    + " archived (stripe count 2, stripe size 100000) cannot be applied", SHORT);
        }
        assertArrayEquals(md5, AgentTestBed.md5(file));
        assertEquals("1", bed().cluster.lfs("getstripe", "-c", file.toString()).out().trim(),
                "the file system's default layout");
    }

    static Optional<ArchiveRecord> record(Path file) throws Exception {
        return new ArchiveRecordStore().read(file);
    }
}

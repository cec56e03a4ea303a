package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ForwardingBackend;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.posix.PosixBackend;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A move of a file's copy on a flat archive (copy, record, delete) against a posix archive taught to copy, with
 * failures injected between the steps: the record always names a copy that can be read.
 */
class BlobMoveTest {
    private static final LuFid FILE = new LuFid(0x200000401L, 0x7, 0);
    private static final LuFid OTHER = new LuFid(0x200000401L, 0x8, 0);
    private static final byte[] DATA = {1, 2, 3, 4, 5};

    @TempDir
    Path root;
    @TempDir
    Path lustre;
    private CopyingBackend backend;
    private Path file;
    private final ArchiveRecordStore records = new ArchiveRecordStore();

    /** A posix archive that copies by reading and writing (Azure's Copy Blob keeps metadata and checksum too). */
    private static final class CopyingBackend extends ForwardingBackend {
        boolean failCopy;
        boolean failDelete;

        CopyingBackend(ArchiveBackend backend) {
            super(backend);
        }

        @Override
        public StoredObject copy(StoredObject source, String target, WriteCondition condition)
                throws ArchiveException {
            if (failCopy) {
                throw ArchiveException.of(ArchiveException.Kind.TRANSIENT, target, "injected: copy failed");
            }
            ByteBuffer data = ByteBuffer.allocate((int) source.size());
            backend.read(source.name(), source.etag(), 0, data);
            data.flip();
            return backend.putWhole(target, data, new ObjectAttributes(source.contentMd5(), source.metadata(), true),
                    condition);
        }

        @Override
        public boolean delete(String name, String expectedEtag) throws ArchiveException {
            if (failDelete) {
                throw ArchiveException.of(ArchiveException.Kind.TRANSIENT, name, "injected: delete failed");
            }
            return backend.delete(name, expectedEtag);
        }
    }

    @BeforeEach
    void archive() throws Exception {
        backend = new CopyingBackend(new PosixBackend(root, "", 1 << 20, 4 << 20));
        file = Files.createFile(lustre.resolve("file"));
        StoredObject stored = put("old/name", FILE);
        records.write(file, new ArchiveRecord(1, "old/name", stored.etag(), null, 17));
    }

    private StoredObject put(String name, LuFid owner) throws Exception {
        return backend.putWhole(name, ByteBuffer.wrap(DATA), new ObjectAttributes(null, Map.of(BlobMetadataCodec.FID,
                owner.bracketed(), BlobMetadataCodec.DATA_VERSION, "17")), WriteCondition.absent());
    }

    private BlobMove.Result move() throws Exception {
        return new BlobMove(backend, 1, records).move(file, FILE.bracketed(), "new/name");
    }

    /** The record names an object that exists in the recorded version and holds the file's bytes. */
    private ArchiveRecord assertReadable() throws Exception {
        ArchiveRecord record = records.read(file).orElseThrow();
        ByteBuffer data = ByteBuffer.allocate(DATA.length);
        backend.read(record.blob(), record.etag(), 0, data);
        assertArrayEquals(DATA, data.array());
        return record;
    }

    @Test
    void theCopyIsRecordedAndOnlyThenTheOldNameGoes() throws Exception {
        assertEquals(BlobMove.Outcome.MOVED, move().outcome());
        assertEquals("new/name", assertReadable().blob());
        assertTrue(backend.stat("old/name").isEmpty());
        assertEquals(BlobMove.Outcome.IN_PLACE, move().outcome(), "a second move finds the file at its name");
    }

    @Test
    void aFailedCopyLeavesTheRecordOnTheOldCopy() throws Exception {
        backend.failCopy = true;
        assertThrows(ArchiveException.class, this::move);
        assertEquals("old/name", assertReadable().blob());
    }

    @Test
    void aFailedDeleteLeavesTheRecordOnTheNewCopyAndTheOldOneForTheChecker() throws Exception {
        backend.failDelete = true;
        assertThrows(ArchiveException.class, this::move);
        assertEquals("new/name", assertReadable().blob());
        assertTrue(backend.stat("old/name").isPresent());
    }

    @Test
    void aCopyLeftByAnInterruptedMoveIsTakenOver() throws Exception {
        StoredObject old = backend.stat("old/name").orElseThrow();
        backend.copy(old, "new/name", WriteCondition.absent()); // the move stopped before the record
        assertEquals(BlobMove.Outcome.MOVED, move().outcome());
        assertEquals("new/name", assertReadable().blob());
        assertTrue(backend.stat("old/name").isEmpty());
    }

    @Test
    void aNameAnotherFileHoldsIsNotTaken() throws Exception {
        StoredObject others = put("new/name", OTHER);
        BlobMove.Result result = move();
        assertEquals(BlobMove.Outcome.LEFT, result.outcome());
        assertEquals("old/name", assertReadable().blob());
        assertEquals(others.etag(), backend.stat("new/name").orElseThrow().etag(), "the other file's copy stays");
    }

    @Test
    void aCopyAnotherFileWroteIsNotMoved() throws Exception {
        backend.delete("old/name", null);
        StoredObject foreign = put("old/name", OTHER);
        records.write(file, new ArchiveRecord(1, "old/name", foreign.etag(), null, 17));
        BlobMove.Result result = move();
        assertEquals(BlobMove.Outcome.LEFT, result.outcome());
        assertTrue(result.reason().contains(OTHER.bracketed()), result.reason());
        assertTrue(backend.stat("new/name").isEmpty());
    }
}

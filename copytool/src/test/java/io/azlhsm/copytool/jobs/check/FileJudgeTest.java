package io.azlhsm.copytool.jobs.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ArchiveRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The file classes by the restore rules, against a map of blobs (no archive, no Lustre). */
class FileJudgeTest {
    private static final int CLEAN = HsmStates.EXISTS | HsmStates.ARCHIVED;
    private static final int RELEASED = CLEAN | HsmStates.RELEASED;
    private static final LuFid FID = new LuFid(0x200000401L, 7, 0);

    private final Map<String, StoredObject> blobs = new HashMap<>();
    private final Set<String> preserved = new HashSet<>();
    private final FileJudge.Blobs lookup = new FileJudge.Blobs() {
        @Override
        public Optional<StoredObject> current(int archiveId, String name) {
            return Optional.ofNullable(blobs.get(archiveId + "/" + name));
        }

        @Override
        public boolean preserved(int archiveId, String name, String etag) {
            return preserved.contains(archiveId + "/" + name + "@" + etag);
        }
    };

    private void blob(String name, String etag, long size, Map<String, String> metadata) {
        blobs.put("1/" + name, new StoredObject(name, size, etag, null, metadata, Instant.EPOCH));
    }

    private static ArchiveRecord record(String blob, String etag, long dataVersion) {
        return new ArchiveRecord(1, blob, etag, new byte[16], dataVersion);
    }

    private FileJudge.Verdict judge(int states, long size, ArchiveRecord record) throws Exception {
        return new FileJudge().judge(new FileJudge.Facts(size, new HsmUserState(states, 1, 0, 0, null),
                Optional.ofNullable(record), record == null ? FID : null, "d/f", 1), lookup);
    }

    @Test
    void recordedBlobAsRecordedIsOkAndClaimed() throws Exception {
        blob("d/f", "E1", 100, Map.of());
        FileJudge.Verdict verdict = judge(RELEASED, 100, record("d/f", "E1", 5));
        assertEquals(CheckClass.OK, verdict.checkClass());
        assertEquals(new FileJudge.Claim(1, "d/f", "E1"), verdict.claim());
    }

    @Test
    void sameEtagOtherSizeIsASizeMismatch() throws Exception {
        blob("d/f", "E1", 99, Map.of());
        assertEquals(CheckClass.SIZE_MISMATCH, judge(CLEAN, 100, record("d/f", "E1", 5)).checkClass());
    }

    @Test
    void goneOrReplacedDependsOnWhetherTheDataIsStillHere() throws Exception {
        assertEquals(CheckClass.BLOB_MISSING, judge(CLEAN, 100, record("d/f", "E1", 5)).checkClass());
        assertEquals(CheckClass.LOST, judge(RELEASED, 100, record("d/f", "E1", 5)).checkClass());
        blob("d/f", "E2", 100, Map.of());
        assertEquals(CheckClass.BLOB_REPLACED, judge(CLEAN, 100, record("d/f", "E1", 5)).checkClass());
        assertEquals(CheckClass.LOST, judge(RELEASED, 100, record("d/f", "E1", 5)).checkClass());
        // an imported stub (record data version 0) whose blob moved on is stale, not lost
        assertEquals(CheckClass.STALE_STUB, judge(RELEASED, 100, record("d/f", "E1", 0)).checkClass());
        // ... but one whose blob is gone has nothing to be imported again from
        blobs.clear();
        assertEquals(CheckClass.LOST, judge(RELEASED, 100, record("d/f", "E1", 0)).checkClass());
    }

    @Test
    void aPreservedVersionOfTheRecordedEtagStillRestores() throws Exception {
        blob("d/f", "E2", 100, Map.of("azlhsm_fid", "[0x200000401:0x8:0x0]"));
        preserved.add("1/d/f@E1");
        FileJudge.Verdict verdict = judge(RELEASED, 100, record("d/f", "E1", 5));
        assertEquals(CheckClass.OK, verdict.checkClass());
        assertNull(verdict.claim(), "the blob at the name is another file's");
    }

    @Test
    void lostDirtyAndNeverArchivedComeFirst() throws Exception {
        assertEquals(CheckClass.LOST, judge(RELEASED | HsmStates.LOST, 100, record("d/f", "E1", 5)).checkClass());
        assertEquals(CheckClass.NOT_ARCHIVED, judge(CLEAN | HsmStates.DIRTY, 100, record("d/f", "E1", 5))
                .checkClass());
        assertEquals(CheckClass.NOT_ARCHIVED, judge(0, 100, null).checkClass());
    }

    @Test
    void withoutARecordOnlyABlobOfNoOrItsOwnFidAtItsPathCounts() throws Exception {
        assertEquals(CheckClass.LOST, judge(RELEASED, 100, null).checkClass());
        blob("d/f", "E1", 100, Map.of());
        assertEquals(CheckClass.OK, judge(RELEASED, 100, null).checkClass());
        blob("d/f", "E1", 100, Map.of("AZLHSM_FID", FID.bracketed()));
        assertEquals(CheckClass.OK, judge(CLEAN, 100, null).checkClass());
        blob("d/f", "E1", 100, Map.of("azlhsm_fid", "[0x200000401:0x8:0x0]"));
        assertEquals(CheckClass.BLOB_REPLACED, judge(CLEAN, 100, null).checkClass());
        assertEquals(CheckClass.LOST, judge(RELEASED, 100, null).checkClass());
    }
}

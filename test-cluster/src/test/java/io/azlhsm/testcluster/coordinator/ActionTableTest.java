package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The indexes of {@link ActionTable} answer what walking every record in log order answered. */
class ActionTableTest {
    private static final Fid A = new Fid(0x200000400L, 1, 0);
    private static final Fid B = new Fid(0x200000400L, 2, 0);

    private static ActionRecord record(long cookie, int action, Fid fid) {
        return new ActionRecord(cookie, 1, action, fid, 0, -1, 1, 0, 0, new byte[0], (int) cookie);
    }

    private static List<Long> waiting(ActionTable table, boolean restores) {
        List<Long> cookies = new ArrayList<>();
        for (ActionRecord r = table.firstWaiting(restores); r != null; r = table.nextWaiting(restores, r)) {
            cookies.add(r.cookie);
        }
        return cookies;
    }

    @Test
    void waitingRecordsAreWalkedInLogOrderWithRestoresApart() {
        ActionTable table = new ActionTable();
        table.add(record(1, HsmCodes.HSMA_ARCHIVE, A));
        table.add(record(2, HsmCodes.HSMA_RESTORE, B));
        table.add(record(3, HsmCodes.HSMA_ARCHIVE, B));
        table.add(record(4, HsmCodes.HSMA_RESTORE, A));
        assertEquals(List.of(2L, 4L), waiting(table, true));
        assertEquals(List.of(1L, 3L), waiting(table, false));

        table.setStatus(table.get(1), RequestStatus.STARTED);
        table.setStatus(table.get(3), RequestStatus.STARTED);
        assertEquals(2, table.startedCount());
        assertEquals(List.of(), waiting(table, false));
        // a retried request waits again in its place in the log, before younger ones
        table.add(record(5, HsmCodes.HSMA_ARCHIVE, A));
        table.setStatus(table.get(3), RequestStatus.WAITING);
        assertEquals(List.of(3L, 5L), waiting(table, false));
        assertEquals(1, table.startedCount());
    }

    @Test
    void aWalkGoesOnWhenTheCurrentRecordLeavesTheWaitingOnes() {
        ActionTable table = new ActionTable();
        for (long cookie = 1; cookie <= 4; cookie++) {
            table.add(record(cookie, HsmCodes.HSMA_ARCHIVE, A));
        }
        List<Long> seen = new ArrayList<>();
        for (ActionRecord r = table.firstWaiting(false); r != null; r = table.nextWaiting(false, r)) {
            seen.add(r.cookie);
            table.setStatus(r, r.cookie % 2 == 0 ? RequestStatus.FAILED : RequestStatus.STARTED);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), seen);
        assertNull(table.firstWaiting(false));
    }

    @Test
    void lastActiveIsTheLastWaitingOrStartedRecordOfTheFidThatIsNoCancel() {
        ActionTable table = new ActionTable();
        table.add(record(1, HsmCodes.HSMA_ARCHIVE, A));
        table.add(record(2, HsmCodes.HSMA_ARCHIVE, A));
        table.add(record(3, HsmCodes.HSMA_CANCEL, A));
        table.add(record(4, HsmCodes.HSMA_RESTORE, B));
        assertSame(table.get(2), table.lastActive(A, 0));
        assertSame(table.get(2), table.lastActive(A, HsmCodes.HSMA_ARCHIVE));
        assertNull(table.lastActive(A, HsmCodes.HSMA_RESTORE));
        table.setStatus(table.get(2), RequestStatus.SUCCEED);
        assertSame(table.get(1), table.lastActive(A, 0));
        table.setStatus(table.get(1), RequestStatus.STARTED);
        table.add(record(5, HsmCodes.HSMA_REMOVE, A));
        table.setStatus(table.get(1), RequestStatus.WAITING); // a retry: still older than 5
        assertSame(table.get(5), table.lastActive(A, 0));
        table.removeIf(r -> r.cookie == 5);
        assertSame(table.get(1), table.lastActive(A, 0));
        table.clear();
        assertNull(table.lastActive(A, 0));
        assertNull(table.lastActive(B, 0));
        assertEquals(0, table.all().size());
    }

    /** What the table hands the log is what a full walk of the live records would have written. */
    @Test
    void theLogGetsTheSameJournalAsFromAFullWalk(@TempDir Path dir) throws Exception {
        ActionTable table = new ActionTable();
        ActionLog told = new ActionLog(dir.resolve("told.log"));
        ActionLog walked = new ActionLog(dir.resolve("walked.log"));
        for (long cookie = 1; cookie <= 3; cookie++) {
            table.add(record(cookie, HsmCodes.HSMA_ARCHIVE, cookie == 2 ? B : A));
        }
        sync(table, told, walked);
        table.setStatus(table.get(2), RequestStatus.STARTED);
        table.get(3).dataFid = B;
        table.touched(table.get(3));
        table.add(record(4, HsmCodes.HSMA_RESTORE, A));
        sync(table, told, walked);
        table.get(1).finishedMillis = 77;
        table.setStatus(table.get(1), RequestStatus.SUCCEED);
        sync(table, told, walked);
        table.removeIf(r -> r.cookie == 1);
        table.setStatus(table.get(2), RequestStatus.WAITING);
        sync(table, told, walked);
        sync(table, told, walked); // nothing changed
        assertEquals(Files.readAllLines(dir.resolve("walked.log")), Files.readAllLines(dir.resolve("told.log")));
        assertEquals(List.of(2L, 3L, 4L), new ActionLog(dir.resolve("told.log")).load().stream()
                .map(r -> r.cookie).toList());
    }

    private static void sync(ActionTable table, ActionLog told, ActionLog walked) {
        walked.sync(List.copyOf(table.all()));
        table.syncTo(told);
    }
}

package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestartTest {
    private static ActionRecord record(long cookie, int action) {
        return new ActionRecord(cookie, 7, action, new Fid(0x200000400L, (int) cookie, 0), 0, -1, 1, 0, 0,
                new byte[0], (int) cookie);
    }

    /**
     * A STARTED request found in the log after a restart times out active_request_timeout after the record's last
     * change as the log kept it (arr_req_change, mdt_coordinator.c:346-347), not after the restart; a STARTED restore
     * is replayed from WAITING with its change set to the restart (:1015-1025).
     */
    @Test
    void aStartedRequestKeepsItsLoggedChangeTime(@TempDir Path dir) {
        ActionLog log = new ActionLog(dir.resolve("actions.log"));
        ActionRecord archive = record(1, HsmCodes.HSMA_ARCHIVE);
        ActionRecord restore = record(2, HsmCodes.HSMA_RESTORE);
        archive.status = RequestStatus.STARTED;
        restore.status = RequestStatus.STARTED;
        long dispatched = System.currentTimeMillis() - 3_600_000; // an hour before the restart
        archive.changedMillis = dispatched;
        restore.changedMillis = dispatched;
        log.sync(List.of(archive, restore));
        log.close();

        long before = System.currentTimeMillis();
        ActionTable records = new ActionTable();
        Restart.load(new ActionLog(dir.resolve("actions.log")), records, new Cookies(0));
        ActionRecord a = records.get(1);
        assertEquals(RequestStatus.STARTED, a.status);
        assertEquals(dispatched, a.changedMillis, "the change time survives the restart");
        assertEquals(dispatched, a.lastActivityMillis, "the timeout counts from the logged change, not the restart");
        ActionRecord r = records.get(2);
        assertEquals(RequestStatus.WAITING, r.status, "a started restore is replayed");
        assertTrue(r.changedMillis >= before, "the replayed restore changed at the restart");
    }
}

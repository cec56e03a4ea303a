package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActionLogTest {
    private static ActionRecord record(long cookie) {
        return new ActionRecord(cookie, 7, HsmCodes.HSMA_ARCHIVE, new Fid(0x200000400L, (int) cookie, 0), 0, -1, 1, 0,
                0, new byte[] {0x43, 0x54}, (int) cookie);
    }

    @Test
    void replayKeepsTheLastStateOfLiveRecords(@TempDir Path dir) throws Exception {
        ActionLog log = new ActionLog(dir.resolve("actions.log"));
        List<ActionRecord> live = new ArrayList<>(List.of(record(1), record(2), record(3)));
        log.sync(live);
        live.get(0).status = RequestStatus.STARTED;
        live.get(1).status = RequestStatus.SUCCEED;
        log.sync(live);
        live.remove(2);
        log.sync(live);
        assertEquals(6, Files.readAllLines(dir.resolve("actions.log")).size(), "3 new, 2 changes, 1 deletion");

        List<ActionRecord> loaded = new ActionLog(dir.resolve("actions.log")).load();
        assertEquals(2, loaded.size());
        assertEquals(RequestStatus.STARTED, loaded.get(0).status);
        assertEquals(RequestStatus.SUCCEED, loaded.get(1).status);
        assertEquals(new Fid(0x200000400L, 2, 0), loaded.get(1).fid);
        assertArrayEquals(new byte[] {0x43, 0x54}, loaded.get(1).data);
    }

    @Test
    void aRecordPurgedWhileAnotherArrivesIsLoggedBoth(@TempDir Path dir) throws Exception {
        ActionLog log = new ActionLog(dir.resolve("actions.log"));
        List<ActionRecord> live = new ArrayList<>(List.of(record(1), record(2)));
        log.sync(live);
        live.set(0, record(3)); // same count of live records, different cookies
        live.get(1).dataFid = new Fid(0x200000401L, 9, 0);
        log.sync(live);
        log.sync(live); // nothing changed: nothing written
        assertEquals(List.of("DEL 1"), Files.readAllLines(dir.resolve("actions.log")).stream()
                .filter(line -> line.startsWith("DEL")).toList());
        assertEquals(5, Files.readAllLines(dir.resolve("actions.log")).size(), "2 new, 1 new, 1 change, 1 deletion");
        List<ActionRecord> loaded = new ActionLog(dir.resolve("actions.log")).load();
        assertEquals(List.of(2L, 3L), loaded.stream().map(r -> r.cookie).toList());
        assertEquals(new Fid(0x200000401L, 9, 0), loaded.get(0).dataFid);
    }

    @Test
    void journalIsCompactedWhenItOutgrowsTheRecords(@TempDir Path dir) throws Exception {
        ActionLog log = new ActionLog(dir.resolve("actions.log"));
        ActionRecord r = record(1);
        for (int i = 0; i < 2000; i++) {
            r.finishedMillis = i;
            log.sync(List.of(r));
        }
        assertTrue(Files.readAllLines(dir.resolve("actions.log")).size() < 1100);
        assertEquals(1999, new ActionLog(dir.resolve("actions.log")).load().get(0).finishedMillis);
    }
}

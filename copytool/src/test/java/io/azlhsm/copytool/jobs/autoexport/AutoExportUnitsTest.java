package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.lustre.ChangelogRecord;
import io.azlhsm.copytool.lustre.ChangelogRecordType;
import io.azlhsm.copytool.lustre.LuFid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The MDT name from mountinfo, and which changelog records name a file worth checking. */
class AutoExportUnitsTest {
    private static final LuFid TARGET = new LuFid(0x200000401L, 1, 0);
    private static final LuFid SOURCE = new LuFid(0x200000402L, 1, 0);
    private static final LuFid PARENT = new LuFid(0x200000007L, 1, 0);

    @Test
    void mdtComesFromTheMountSource() throws IOException {
        List<String> mountinfo = List.of(
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "95 22 0:52 / /mnt/lustre rw,relatime - lustre 10.0.0.1@tcp:/scratch rw,flock",
                "96 22 0:53 / /tmp/hsm\\040sim/mnt rw - fuse.lustre hsmsim@/tmp/hsm\\040sim/run/coordinator.sock:/hs01"
                        + " rw,user_id=0");
        assertEquals("scratch-MDT0000", MdtName.of(Path.of("/mnt/lustre"), mountinfo));
        assertEquals("hs01-MDT0000", MdtName.of(Path.of("/tmp/hsm sim/mnt"), mountinfo));
        IOException notLustre = assertThrows(IOException.class, () -> MdtName.of(Path.of("/"), mountinfo));
        assertTrue(notLustre.getMessage().contains("--mdt"), notLustre.getMessage());
        assertThrows(IOException.class, () -> MdtName.of(Path.of("/nowhere"), mountinfo));
    }

    private static ChangelogRecord record(ChangelogRecordType type, int flags, Optional<LuFid> source) {
        return new ChangelogRecord(type.code(), flags, 7, 0, 0, TARGET, PARENT, source, Optional.empty(),
                Optional.empty(), Optional.empty(), "name", Optional.empty());
    }

    @Test
    void contentAndNamespaceChangesCountMetadataUnlinksAndCleanHsmEventsDoNot() {
        for (ChangelogRecordType type : List.of(ChangelogRecordType.CREATE, ChangelogRecordType.MKDIR,
                ChangelogRecordType.CLOSE, ChangelogRecordType.TRUNC, ChangelogRecordType.MTIME,
                ChangelogRecordType.HARDLINK, ChangelogRecordType.SOFTLINK)) {
            assertEquals(Optional.of(TARGET), ChangedFids.relevantFid(record(type, 0, Optional.empty())), type.name());
        }
        for (ChangelogRecordType type : List.of(ChangelogRecordType.UNLINK, ChangelogRecordType.RMDIR,
                ChangelogRecordType.SETATTR, ChangelogRecordType.SETXATTR, ChangelogRecordType.MARK)) {
            assertEquals(Optional.empty(), ChangedFids.relevantFid(record(type, 0, Optional.empty())), type.name());
        }
        assertEquals(Optional.of(SOURCE), ChangedFids.relevantFid(record(ChangelogRecordType.RENAME, 0,
                Optional.of(SOURCE))));
        int archiveEvent = 0; // event ARCHIVE, errno 0
        int dirty = 0x400;
        assertEquals(Optional.empty(), ChangedFids.relevantFid(record(ChangelogRecordType.HSM, archiveEvent,
                Optional.empty())));
        assertEquals(Optional.of(TARGET), ChangedFids.relevantFid(record(ChangelogRecordType.HSM, dirty,
                Optional.empty())));
    }
}

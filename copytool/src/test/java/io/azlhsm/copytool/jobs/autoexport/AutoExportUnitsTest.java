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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The file system and MDT names, the changelog user of every MDT, and which records name a file worth checking. */
class AutoExportUnitsTest {
    private static final LuFid TARGET = new LuFid(0x200000401L, 1, 0);
    private static final LuFid SOURCE = new LuFid(0x200000402L, 1, 0);
    private static final LuFid PARENT = new LuFid(0x200000007L, 1, 0);

    @Test
    void fsnameComesFromTheMountSourceAlsoForAFilesetMount() throws IOException {
        List<String> mountinfo = List.of(
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "95 22 0:52 / /mnt/lustre rw,relatime - lustre 10.0.0.1@tcp:/scratch rw,flock",
                "97 22 0:54 / /mnt/proj rw,relatime - lustre 10.0.0.1@tcp:10.0.0.2@tcp:/scratch/projects/a rw",
                "96 22 0:53 / /tmp/hsm\\040sim/mnt rw - fuse.lustre hsmsim@/tmp/hsm\\040sim/run/coordinator.sock:/hs01"
                        + " rw,user_id=0");
        assertEquals("scratch", MdtName.fsname(Path.of("/mnt/lustre"), mountinfo));
        assertEquals("scratch", MdtName.fsname(Path.of("/mnt/proj"), mountinfo)); // fileset: NID:/fsname/subdir
        assertEquals("hs01", MdtName.fsname(Path.of("/tmp/hsm sim/mnt"), mountinfo));
        IOException notLustre = assertThrows(IOException.class, () -> MdtName.fsname(Path.of("/"), mountinfo));
        assertTrue(notLustre.getMessage().contains("not a Lustre one"), notLustre.getMessage());
        assertThrows(IOException.class, () -> MdtName.fsname(Path.of("/nowhere"), mountinfo));
        assertEquals("scratch-MDT0000", MdtName.of("scratch", 0));
        assertEquals("scratch-MDT000a", MdtName.of("scratch", 10)); // Lustre writes the index in hex
    }

    @Test
    void oneUserStandsForEveryMdtUnlessAnMdtIsNamed() {
        ChangelogUsers same = ChangelogUsers.parse(List.of("cl1"));
        assertEquals(Map.of("fs-MDT0000", "cl1"), same.resolve("fs", 1));
        assertEquals(List.of("fs-MDT0000", "fs-MDT0001", "fs-MDT0002"),
                List.copyOf(same.resolve("fs", 3).keySet()));
        assertEquals(Set.of("cl1"), Set.copyOf(same.resolve("fs", 3).values()));

        ChangelogUsers mixed = ChangelogUsers.parse(List.of("cl1", "fs-MDT0001=cl3,fs-MDT000A=cl2-backup"));
        Map<String, String> users = mixed.resolve("fs", 11);
        assertEquals("cl1", users.get("fs-MDT0000"));
        assertEquals("cl3", users.get("fs-MDT0001"));
        assertEquals("cl2-backup", users.get("fs-MDT000a"));
        assertEquals(11, users.size());

        ChangelogUsers perMdt = ChangelogUsers.parse(List.of("fs-MDT0000=cl1", "fs-MDT0001=cl4"));
        assertEquals(Map.of("fs-MDT0000", "cl1", "fs-MDT0001", "cl4"), perMdt.resolve("fs", 2));
    }

    @Test
    void everyMdtNeedsAUserAndTheAdministratorsStepIsNamed() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ChangelogUsers.parse(List.of("fs-MDT0000=cl1")).resolve("fs", 2));
        assertTrue(missing.getMessage().contains("no changelog user for fs-MDT0001"), missing.getMessage());
        assertTrue(missing.getMessage().contains("lctl --device fs-MDT0001 changelog_register"),
                missing.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ChangelogUsers.parse(List.of()));
        assertTrue(none.getMessage().contains("changelog_register"), none.getMessage());
        IllegalArgumentException stranger = assertThrows(IllegalArgumentException.class,
                () -> ChangelogUsers.parse(List.of("cl1", "other-MDT0000=cl2")).resolve("fs", 1));
        assertTrue(stranger.getMessage().contains("other-MDT0000, not an MDT of the file system fs"),
                stranger.getMessage());
        for (String bad : List.of("1", "user", "fs-MDT0=cl1", "fs-MDT0000=", "cl1,cl2")) {
            assertThrows(IllegalArgumentException.class, () -> ChangelogUsers.parse(List.of(bad)), bad);
        }
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

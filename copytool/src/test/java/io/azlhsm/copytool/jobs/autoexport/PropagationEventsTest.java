package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.lustre.ChangelogFlags;
import io.azlhsm.copytool.lustre.ChangelogRecord;
import io.azlhsm.copytool.lustre.ChangelogRecordType;
import io.azlhsm.copytool.lustre.LuFid;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The --propagate kinds, and which changelog records each kind acts on. */
class PropagationEventsTest {
    private static final LuFid TARGET = new LuFid(0x200000401L, 1, 0);
    private static final LuFid SOURCE = new LuFid(0x200000402L, 1, 0);
    private static final LuFid PARENT = new LuFid(0x200000007L, 1, 0);

    private static ChangelogRecord record(ChangelogRecordType type, int flags, LuFid target, Optional<LuFid> source) {
        return new ChangelogRecord(type.code(), flags, 7, 0, 0, target, PARENT, source, Optional.empty(),
                Optional.empty(), Optional.empty(), "name", Optional.empty());
    }

    @Test
    void kindsAreParsedInAnyOrderAndNoneByDefault() {
        assertEquals(Set.of(), Propagation.parse(null));
        assertEquals(Set.of(), Propagation.parse(""));
        assertEquals(EnumSet.allOf(Propagation.class), Propagation.parse("deletions, renames,metadata"));
        assertEquals(Set.of(Propagation.METADATA), Propagation.parse("METADATA"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Propagation.parse("renames,moves"));
        assertTrue(bad.getMessage().contains("'moves'"), bad.getMessage());
    }

    @Test
    void eachKindKeepsOnlyItsRecords() {
        List<ChangelogRecord> records = List.of(
                record(ChangelogRecordType.RENAME, 0, new LuFid(0, 0, 0), Optional.of(SOURCE)),
                record(ChangelogRecordType.SETATTR, 0, TARGET, Optional.empty()),
                record(ChangelogRecordType.MTIME, 0, SOURCE, Optional.empty()),
                record(ChangelogRecordType.UNLINK, 0, SOURCE, Optional.empty()), // not the last name: kept
                record(ChangelogRecordType.UNLINK, ChangelogFlags.CLF_UNLINK_LAST, TARGET, Optional.empty()),
                record(ChangelogRecordType.SETXATTR, 0, TARGET, Optional.empty()),
                record(ChangelogRecordType.CLOSE, 0, TARGET, Optional.empty()));

        PropagationEvents none = events(Set.of(), records);
        assertTrue(none.isEmpty());

        PropagationEvents renames = events(Set.of(Propagation.RENAMES), records);
        assertEquals(Set.of(SOURCE), renames.renamed().keySet());
        assertTrue(renames.attributesChanged().isEmpty() && renames.deleted().isEmpty());

        PropagationEvents metadata = events(Set.of(Propagation.METADATA), records);
        assertEquals(List.of(TARGET, SOURCE), List.copyOf(metadata.attributesChanged()));
        assertTrue(metadata.renamed().isEmpty() && metadata.deleted().isEmpty());

        PropagationEvents deletions = events(Set.of(Propagation.DELETIONS), records);
        assertEquals(Map.of(TARGET, new PropagationEvents.Deleted(PARENT, "name")), deletions.deleted());
        assertTrue(deletions.renamed().isEmpty() && deletions.attributesChanged().isEmpty());
    }

    @Test
    void aRenameOverTheLastNameOfAFileDeletesThatFile() {
        PropagationEvents events = events(EnumSet.allOf(Propagation.class), List.of(
                record(ChangelogRecordType.RENAME, ChangelogFlags.CLF_RENAME_LAST, TARGET, Optional.of(SOURCE))));
        assertEquals(Set.of(SOURCE), events.renamed().keySet());
        assertEquals(Set.of(TARGET), events.deleted().keySet());
    }

    @Test
    void aRenameKeepsTheNameTheObjectHadBeforeItsFirstRenameInThePass() {
        LuFid otherParent = new LuFid(0x200000008L, 1, 0);
        PropagationEvents events = events(Set.of(Propagation.RENAMES), List.of(
                rename(SOURCE, PARENT, "link"), rename(SOURCE, otherParent, "link2"),
                new ChangelogRecord(ChangelogRecordType.RENAME.code(), 0, 9, 0, 0, new LuFid(0, 0, 0), PARENT,
                        Optional.of(TARGET), Optional.empty(), Optional.empty(), Optional.empty(), "x",
                        Optional.empty())));
        // the export wrote the blob under the first old name: a later rename passed by the second one only
        assertEquals(new PropagationEvents.Renamed(PARENT, "link"), events.renamed().get(SOURCE));
        assertEquals(new PropagationEvents.Renamed(new LuFid(0, 0, 0), ""), events.renamed().get(TARGET));
    }

    /** A RENME of {@code source} from {@code name} in {@code sourceParent} to "moved" in PARENT. */
    private static ChangelogRecord rename(LuFid source, LuFid sourceParent, String name) {
        return new ChangelogRecord(ChangelogRecordType.RENAME.code(), 0, 8, 0, 0, new LuFid(0, 0, 0), PARENT,
                Optional.of(source), Optional.of(sourceParent), Optional.empty(), Optional.empty(), "moved",
                Optional.of(name));
    }

    private static PropagationEvents events(Set<Propagation> kinds, List<ChangelogRecord> records) {
        PropagationEvents events = new PropagationEvents(kinds);
        records.forEach(events::accept);
        return events;
    }
}

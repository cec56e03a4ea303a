package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.lustre.ChangelogFlags;
import io.azlhsm.copytool.lustre.ChangelogReader;
import io.azlhsm.copytool.lustre.ChangelogRecord;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFormatException;
import io.azlhsm.copytool.lustre.LustreLibrary;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The files and directories the changelog says may have new content or be new, read from a record index on.
 *
 * <p>Kept: creations (CREAT, MKDIR, HLINK, SLINK: a symlink's new target means a new symlink), renames (the
 * renamed FID: it may now lie under the exported path), content changes (CLOSE after a write, TRUNC, MTIME, LYOUT)
 * and CL_HSM records that report a file dirty. Left out (for export; {@code --propagate} sees every record): unlinks,
 * attribute and xattr changes (metadata-only changes are not exported; the agent's own archive record is an xattr),
 * and other
 * CL_HSM events (the archives of this very job). Whether a kept FID really needs an export is decided later from
 * its HSM state, so an extra one costs a state check only.
 *
 * @param fids      in first-seen order
 * @param lastIndex the index of the last record read (to clear up to); startRec - 1 when none was read
 */
record ChangedFids(Set<LuFid> fids, long lastIndex, long records) {

    /** @param each told every record read, in order (the propagation of renames, attributes and deletions) */
    static ChangedFids read(LustreLibrary library, String mdt, long startRec, long maxRecords,
                            Consumer<ChangelogRecord> each) throws LustreException, LustreFormatException {
        Set<LuFid> fids = new LinkedHashSet<>();
        long last = startRec - 1;
        long count = 0;
        try (ChangelogReader reader = ChangelogReader.start(library, mdt, 0, startRec)) {
            while (count < maxRecords) {
                Optional<ChangelogRecord> next = reader.next();
                if (next.isEmpty()) {
                    break;
                }
                ChangelogRecord record = next.get();
                count++;
                last = Math.max(last, record.index());
                relevantFid(record).ifPresent(fids::add);
                each.accept(record);
            }
        }
        return new ChangedFids(fids, last, count);
    }

    static Optional<LuFid> relevantFid(ChangelogRecord record) {
        return switch (record.type()) {
            case CREATE, MKDIR, HARDLINK, SOFTLINK, CLOSE, TRUNC, MTIME, LAYOUT, MIGRATE ->
                    Optional.of(record.targetFid());
            case RENAME -> record.sourceFid().or(() -> Optional.of(record.targetFid()));
            case HSM -> ChangelogFlags.hsmDirty(record.typeFlags()) ? Optional.of(record.targetFid())
                    : Optional.empty();
            default -> Optional.empty();
        };
    }
}

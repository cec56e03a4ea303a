package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.lustre.ChangelogFlags;
import io.azlhsm.copytool.lustre.ChangelogRecord;
import io.azlhsm.copytool.lustre.LuFid;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the changelog records of one pass say is to be propagated, each FID once, first seen first:
 * <ul>
 *   <li>renamed: the object a RENME moved (its source FID), a file, a directory or a symlink, with the parent and
 *       name it had before the first rename these records report (a symlink's blob is found there: it has no
 *       record naming it);</li>
 *   <li>attributes changed: the FID of a SATTR (chmod, chown) or MTIME (utimes; also a write's close, which leaves
 *       the file dirty and is then left to the export) record;</li>
 *   <li>deleted: the file an UNLNK removed the last name of ({@code CLF_UNLINK_LAST}), or that a RENME replaced and
 *       whose last name that was ({@code CLF_RENAME_LAST}), with the parent and name it had, for the blob name.</li>
 * </ul>
 * Only the kinds asked for are kept.
 */
final class PropagationEvents {
    /** The name a deleted file had: its parent directory's FID and its name there. */
    record Deleted(LuFid parent, String name) {
    }

    /**
     * The name a renamed object had: the source parent's FID and the source name of its first RENME record here
     * (zero and empty when the record carries none).
     */
    record Renamed(LuFid parent, String name) {
    }

    private final Set<Propagation> kinds;
    private final Map<LuFid, Renamed> renamed = new LinkedHashMap<>();
    private final Set<LuFid> attributesChanged = new LinkedHashSet<>();
    private final Map<LuFid, Deleted> deleted = new LinkedHashMap<>();

    PropagationEvents(Set<Propagation> kinds) {
        this.kinds = kinds;
    }

    void accept(ChangelogRecord record) {
        switch (record.type()) {
            case RENAME -> {
                if (kinds.contains(Propagation.RENAMES)) {
                    // first seen first: a name the export wrote before this pass, not one the object only passed by
                    record.sourceFid().filter(fid -> !fid.isZero()).ifPresent(fid -> renamed.putIfAbsent(fid,
                            new Renamed(record.sourceParentFid().orElse(new LuFid(0, 0, 0)),
                                    record.sourceName().orElse(""))));
                }
                if ((record.typeFlags() & ChangelogFlags.CLF_RENAME_LAST) != 0 && !record.targetFid().isZero()) {
                    deleted(record); // the rename replaced a file, and that was its last name
                }
            }
            case UNLINK -> {
                if ((record.typeFlags() & ChangelogFlags.CLF_UNLINK_LAST) != 0) {
                    deleted(record);
                }
            }
            case SETATTR, MTIME -> {
                if (kinds.contains(Propagation.METADATA)) {
                    attributesChanged.add(record.targetFid());
                }
            }
            default -> { }
        }
    }

    private void deleted(ChangelogRecord record) {
        if (kinds.contains(Propagation.DELETIONS)) {
            deleted.putIfAbsent(record.targetFid(), new Deleted(record.parentFid(), record.name()));
        }
    }

    Map<LuFid, Renamed> renamed() {
        return renamed;
    }

    Set<LuFid> attributesChanged() {
        return attributesChanged;
    }

    Map<LuFid, Deleted> deleted() {
        return deleted;
    }

    boolean isEmpty() {
        return renamed.isEmpty() && attributesChanged.isEmpty() && deleted.isEmpty();
    }
}

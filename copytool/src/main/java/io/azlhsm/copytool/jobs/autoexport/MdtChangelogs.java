package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.lustre.ChangelogReader;
import io.azlhsm.copytool.lustre.ChangelogRecord;
import io.azlhsm.copytool.lustre.Errno;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.lustre.LustreFormatException;
import io.azlhsm.copytool.lustre.LustreTargets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The changelogs of every MDT of a file system as a job consumes them, each as the changelog user an administrator
 * registered there ({@link ChangelogUsers}): where the job is in each, what the records read since say changed, and
 * the clear of the records consumed (only the job lock's holder may clear: cleared records are gone for every reader
 * of that user). Used by auto-export and by the policy engine's archive rule.
 */
public final class MdtChangelogs {
    /** One MDT's changelog: its user, and the first record not read yet. */
    private static final class Cursor {
        final String mdt;
        final String user;
        long nextRecord;
        ChangedFids read;

        Cursor(String mdt, String user) {
            this.mdt = mdt;
            this.user = user;
        }
    }

    private final JobContext context;
    private final List<Cursor> cursors = new ArrayList<>();

    private MdtChangelogs(JobContext context) {
        this.context = context;
    }

    /**
     * The changelogs of the file system mounted at {@code mount}, one per MDT, each read as its user in
     * {@code users}; logs each user it consumes.
     *
     * @throws IOException naming the mount when an MDT has no user or a named MDT is not the file system's
     */
    public static MdtChangelogs open(JobContext context, Path mount, ChangelogUsers users)
            throws IOException, LustreException {
        String fsname = MdtName.fsname(mount);
        int mdtCount = new LustreTargets(context.library()).mdtCount(mount);
        Map<String, String> resolved;
        try {
            resolved = users.resolve(fsname, mdtCount);
        } catch (IllegalArgumentException e) {
            throw new IOException(mount + ": " + e.getMessage(), e);
        }
        MdtChangelogs changelogs = new MdtChangelogs(context);
        resolved.forEach((mdt, user) -> {
            changelogs.cursors.add(new Cursor(mdt, user));
            context.log().info("consuming changelog user " + user + " on " + mdt);
        });
        return changelogs;
    }

    /**
     * Reads, from every MDT, at most {@code maxRecords} records past those read before, and returns the FIDs they
     * name as changed (first seen first). The records stay until {@link #clearRead()}.
     *
     * @param recordsRead told the number of records read from each MDT
     */
    public Set<LuFid> read(long maxRecords, LongConsumer recordsRead)
            throws LustreException, LustreFormatException {
        return read(maxRecords, recordsRead, record -> { });
    }

    /** As {@link #read(long, LongConsumer)}, telling {@code each} every record read (MDT by MDT, in order). */
    public Set<LuFid> read(long maxRecords, LongConsumer recordsRead, Consumer<ChangelogRecord> each)
            throws LustreException, LustreFormatException {
        Set<LuFid> fids = new LinkedHashSet<>();
        for (Cursor cursor : cursors) {
            cursor.read = ChangedFids.read(context.library(), cursor.mdt, cursor.nextRecord, maxRecords, each);
            recordsRead.accept(cursor.read.records());
            fids.addAll(cursor.read.fids());
        }
        return fids;
    }

    /**
     * The path of a FID a record named, if the file still exists (renamed or not) and lies under {@code root} but
     * not in the jobs' own directory; empty for one deleted since.
     */
    public static Optional<Path> pathOf(LustreFids fids, Path mount, Path root, LuFid fid) {
        try {
            Path path = mount.resolve(fids.fid2path(mount, fid, 0).relativePath()).normalize();
            if (!path.startsWith(root) || path.startsWith(mount.resolve(JobStore.DIRECTORY_NAME))) {
                return Optional.empty();
            }
            return Optional.of(path);
        } catch (LustreException e) {
            return Optional.empty(); // deleted since: nothing to export (--propagate deletions works from records)
        }
    }

    /** Clears, per MDT, the records of the last {@link #read}: every file they name has been dealt with. */
    public void clearRead() throws LustreException, IOException {
        for (Cursor cursor : cursors) {
            if (cursor.read != null && cursor.read.records() > 0) {
                clear(cursor, cursor.read.lastIndex());
            }
            cursor.read = null;
        }
    }

    private void clear(Cursor cursor, long lastIndex) throws LustreException, IOException {
        // Consumed records are gone for every reader of this changelog user: only the lock holder may clear them.
        context.fence().verify("clearing changelog user " + cursor.user + " on " + cursor.mdt + " up to "
                + lastIndex);
        try {
            // a change like any other: a dry run only says it would clear
            context.changes().apply("clear changelog user " + cursor.user + " on " + cursor.mdt + " up to record "
                    + lastIndex, null, null, () -> ChangelogReader.clear(context.library(), cursor.mdt, cursor.user,
                    lastIndex));
        } catch (LustreException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new LustreException("llapi_changelog_clear", cursor.mdt + " " + cursor.user
                        + " up to record " + lastIndex + ": no such changelog user on " + cursor.mdt + "; "
                        + ChangelogUsers.adminStep(cursor.mdt), e.errno());
            }
            throw e;
        }
        cursor.nextRecord = lastIndex + 1;
    }
}

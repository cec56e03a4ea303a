package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.FileAttributes;
import io.azlhsm.copytool.archive.metadata.FileType;
import io.azlhsm.copytool.archive.metadata.PosixAcl;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.lustre.DirectoryDescriptor;
import io.azlhsm.copytool.lustre.FileLayout;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserAction;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.ImportAttributes;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.ExpectedChecksum;
import io.azlhsm.copytool.operations.LustreFile;
import io.azlhsm.copytool.operations.PosixAcls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Imports one listed blob: a released stub (llapi_hsm_import) whose {@link ArchiveRecord} names the blob and its
 * ETag (so restore finds it after a rename and refuses a replaced blob), a directory, or a symlink; attributes from
 * the blob's metadata by {@link BlobMetadataCodec} (every tool's conventions, AMLFS's defaults; what was defaulted and
 * which set-id bits were left out goes to the {@link AttributeReport}). A path that exists is a
 * conflict resolved by the {@link ConflictMode} from the existing file's HSM state, except a stub of this very blob
 * and ETag, which is simply preexisting (so a re-run or resumed run redoes nothing). A released stub whose recorded
 * blob is gone or was replaced ({@link RecordedCopy#stale()}) cannot be read: the overwrite modes import it again,
 * skip and fail leave it and say so.
 */
final class EntryImporter implements AutoCloseable {
    static final int SYMLINK_MAX = 4096;

    private final JobContext context;
    private final ImportOptions options;
    private final ArchiveBackend backend;
    private final Path target;
    private final int targetBytes;
    private final boolean atFsRoot;
    private final DirectoryMaker directories;
    private final ArchiveRecordStore records = new ArchiveRecordStore();
    private final BlobMetadataCodec codec = new BlobMetadataCodec();
    private final LustreFids fids;
    private final StubPlacement placement;
    /**
     * The tally of the blob a worker is importing: counts are made deep in the calls below {@link #importBlob}, and
     * a worker imports one blob at a time.
     */
    private final ThreadLocal<BlobTally> tallies = new ThreadLocal<>();
    /** import.restore_setid: whether setuid/setgid from the metadata are given. */
    private final boolean restoreSetid;
    private final AttributeReport report = new AttributeReport();
    /**
     * The decoded metadata of the blob a worker is importing, until its attributes are given to an entry (then
     * {@link #attributesGiven} counts a defaulted one once) or the blob turns out to need nothing.
     */
    private final ThreadLocal<Given> given = new ThreadLocal<>();

    private record Given(String blob, BlobMetadataCodec.Decoded decoded) {
    }

    /** Opens the target directory (a symlink is refused), which stays open until {@link #close()}. */
    EntryImporter(JobContext context, ImportOptions options, ArchiveBackend backend, Path target)
            throws IOException {
        this(context, options, backend, target, false);
    }

    /**
     * @param phantomTarget a dry run whose target does not exist (it would be created): everything is imported into
     *                      directories the dry run would create ({@link DirectoryMaker#phantom})
     */
    EntryImporter(JobContext context, ImportOptions options, ArchiveBackend backend, Path target,
                  boolean phantomTarget) throws IOException {
        this.context = context;
        this.options = options;
        this.backend = backend;
        this.target = target;
        this.targetBytes = target.toString().getBytes(StandardCharsets.UTF_8).length;
        this.atFsRoot = target.equals(context.mount());
        this.directories = new DirectoryMaker(target, context.jobId(), context.resumed(),
                () -> count(ImportCounters.DIRECTORIES), context.changes(), phantomTarget);
        this.fids = new LustreFids(context.library());
        this.placement = new StubPlacement(context.hsm(), fids, context.mount());
        this.restoreSetid = context.config().imports().restoreSetid();
    }

    /** What this import defaulted or left out, for the job log at its end. */
    AttributeReport report() {
        return report;
    }

    /**
     * The blob's attributes were given to an entry (created, or updated by an overwrite mode): counts it in
     * attributesDefaulted when some were defaulted, and notes set-id bits left out. Once per blob.
     */
    private void attributesGiven(FileAttributes attributes) {
        Given blob = given.get();
        if (blob == null) {
            return;
        }
        given.remove();
        if (!blob.decoded().defaulted().isEmpty()) {
            count(ImportCounters.ATTRIBUTES_DEFAULTED);
            report.defaulted(blob.blob(), blob.decoded());
        }
        if (!restoreSetid && (attributes.mode() & 06000) != 0 && attributes.type() != FileType.SYMLINK) {
            report.setidDropped(blob.blob(), attributes.mode());
        }
    }

    /**
     * The permission bits an entry gets: sticky always (AMLFS keeps it), setuid and setgid only under
     * import.restore_setid.
     */
    private int permittedMode(FileAttributes attributes) {
        return attributes.mode() & (restoreSetid ? 07777 : 01777);
    }

    private void count(String counter) {
        context.counters().counter(counter).increment();
        BlobTally tally = tallies.get();
        if (tally != null) {
            tally.add(counter);
        }
    }

    /** The blob's path under the target, or ItemError naming why its name cannot be one. */
    Path pathOf(StoredObject blob, boolean directoryKey) throws ItemError {
        String name = directoryKey ? blob.name().substring(0, blob.name().length() - 1) : blob.name();
        String relative;
        try {
            relative = backend.relativePath(name);
        } catch (ArchiveException e) {
            throw new ItemError("unsafe name: " + e.getMessage());
        }
        String problem = BlobPaths.problem(relative, atFsRoot, targetBytes);
        if (problem != null) {
            throw new ItemError("unsafe name: " + problem);
        }
        Path path = target.resolve(relative).normalize();
        if (!path.startsWith(target) || path.equals(target)) {
            throw new ItemError("unsafe name: resolves outside the target directory");
        }
        return path;
    }

    /**
     * @param tally  what importing this blob adds to the counters, for the checkpoint
     * @param scopes the blob's place in the listing: a directory blob leaves its time there, set once the directory
     *               is finished ({@link #finishDirectory})
     */
    void importBlob(StoredObject blob, BlobTally tally, DirectoryScopes.Ticket scopes)
            throws ItemError, IOException, LustreException, ArchiveException {
        tallies.set(tally);
        try {
            importEntry(blob, scopes);
        } finally {
            tallies.remove();
            given.remove();
        }
    }

    private void importEntry(StoredObject blob, DirectoryScopes.Ticket scopes)
            throws ItemError, IOException, LustreException, ArchiveException {
        boolean directoryKey = blob.name().endsWith("/") && blob.size() == 0;
        Path path = pathOf(blob, directoryKey);
        BlobMetadataCodec.Decoded decoded = codec.decode(blob.metadata(), blob.lastModified());
        aclOf(blob); // an ACL that cannot be given fails the entry before anything is made
        if (decoded.specialType() != null && !directoryKey) {
            throw new ItemError("azcopy recorded " + decoded.specialType() + " (" + decoded.style().label()
                    + " metadata): an import makes only files, directories and symlinks");
        }
        given.set(new Given(blob.name(), decoded));
        FileAttributes attributes = decoded.attributes();
        FileType type = directoryKey ? FileType.DIRECTORY : attributes.type();
        if (directories.phantom(path.getParent(), blob.name())) {
            // A dry run, below a directory it would have created: nothing is there, so the entry is reached (and
            // found absent) by its path; every change below is only recorded.
            importEntry(blob, new Place(path, path), type, attributes, decoded, scopes);
            return;
        }
        DirectoryDescriptor parent;
        try {
            parent = directories.open(path.getParent(), blob.name());
        } catch (IOException e) {
            throw new ItemError("cannot create the parent directory: " + e.getMessage(), e);
        }
        // Every call below reaches the entry through the parent's descriptor, never through the directories above.
        try (parent) {
            importEntry(blob, new Place(path, parent.entry(path.getFileName().toString())), type, attributes, decoded,
                    scopes);
        }
    }

    private void importEntry(StoredObject blob, Place place, FileType type, FileAttributes attributes,
                             BlobMetadataCodec.Decoded decoded, DirectoryScopes.Ticket scopes)
            throws ItemError, IOException, LustreException, ArchiveException {
        switch (type) {
            case DIRECTORY -> importDirectory(blob, place, attributes, scopes);
            case SYMLINK -> importSymlink(blob, place, attributes, decoded.symlinkTargetInBody());
            default -> importFile(blob, place, attributes);
        }
    }

    @Override
    public void close() {
        directories.close();
    }

    /** The FID at a path, or null when there is nothing (or nothing readable) there. */
    private LuFid fidAt(Path path) {
        try {
            return fids.path2fid(path);
        } catch (IOException gone) { // a LustreException too
            return null;
        }
    }

    private Optional<BasicFileAttributes> existing(Path path) throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** A path as the job log names it: relative to the target. */
    String relative(Path path) {
        return target.relativize(path).toString();
    }

    // ------------------------------------------------------------------------------------------------ files

    private void importFile(StoredObject blob, Place place, FileAttributes attributes)
            throws ItemError, IOException, LustreException, ArchiveException {
        // Look first: llapi_hsm_import does not use O_EXCL, so it follows a symlink in the way (creating the stub
        // wherever it leads) and reopens a directory (failing with another errno); EEXIST comes only for a regular
        // file. Whatever appears between the look and the call is looked at again, once.
        Path path = place.path();
        Path reach = place.reach();
        Optional<BasicFileAttributes> existing = existing(reach);
        if (existing.isEmpty()) {
            if (createStub(blob, place, attributes, false)) {
                return;
            }
            existing = existing(reach);
            if (existing.isEmpty()) {
                createStub(blob, place, attributes);
                return;
            }
        }
        if (existing.get().isRegularFile()) {
            HsmUserState state = context.hsm().state(reach);
            Optional<ArchiveRecord> record = records.read(reach);
            boolean released = state.has(HsmStates.RELEASED);
            if (released && record.isPresent() && sameBlob(record.get(), blob)) {
                if (madeByTheCrashedRun(reach)) {
                    countImportedFile(blob, attributes); // done after the crashed run last saved its checkpoint
                } else {
                    count(ImportCounters.PREEXISTING_FILES);
                }
                return;
            }
            if (released && record.isEmpty() && context.resumed() && state.archiveId() == options.archiveId()
                    && existing.get().size() == blob.size()) {
                // Created by the crashed run just before it could record the blob: finish that work.
                records.write(reach, recordOf(blob));
                countImportedFile(blob, attributes);
                return;
            }
            if (halfImportedByTheCrashedRun(reach, existing.get(), state)) {
                // llapi_hsm_import creates the file, then imports it (liblustreapi_hsm.c 1434-1497): the crashed run
                // was killed between the two and left this empty file without HSM state. Finish that work.
                Files.delete(reach);
                createStub(blob, place, attributes); // counts it
                return;
            }
            resolveFileConflict(blob, place, attributes, state,
                    RecordedCopy.of(record, blob, options.archiveId(), backend));
            return;
        }
        if (!conflict(blob, path, existing.get())) {
            return;
        }
        if (existing.get().isDirectory()) {
            throw new ItemError("a directory is in the way of the file (directories are never deleted)");
        }
        context.changes().apply("delete " + kindOf(existing.get()), path.toString(), blob.name(),
                () -> Files.delete(reach));
        createStub(blob, place, attributes);
        context.log().conflict(relative(path), blob.name(), "replaced a " + kindOf(existing.get()) + " by the file");
    }

    /**
     * The path holds a regular file that is not a stub of this blob: the mode decides by its HSM state. A released
     * stub whose recorded blob is gone or replaced (a stale stub) holds no data and cannot be read; the overwrite
     * modes import it again, so it restores this blob, and skip leaves it but says so and counts it.
     */
    private void resolveFileConflict(StoredObject blob, Place place, FileAttributes attributes, HsmUserState state,
                                     RecordedCopy copy) throws ItemError, IOException, LustreException {
        Path path = place.path();
        boolean staleStub = state.has(HsmStates.RELEASED) && copy.stale();
        String was = describe(state) + (staleStub ? ", stale stub: " + copy.describe() : "");
        count(ImportCounters.CONFLICTS);
        boolean clean = state.has(HsmStates.ARCHIVED) && !state.has(HsmStates.DIRTY);
        switch (options.conflict()) {
            case FAIL -> {
                context.log().conflict(relative(path), blob.name(), "fail: the job stops (" + was + ")");
                throw new ImportStop("conflict: " + relative(path) + " exists (" + was + ") and --conflict is fail");
            }
            case SKIP -> {
                if (staleStub) {
                    count(ImportCounters.STALE_STUBS);
                    context.log().conflict(relative(path), blob.name(), "skipped, left a stale stub that cannot be"
                            + " read (" + was + ")");
                } else {
                    context.log().conflict(relative(path), blob.name(), "skipped (" + was + ")");
                }
            }
            case OVERWRITE_DIRTY -> {
                if (staleStub) {
                    // A stub's size cannot change without a restore, which would fail: a new stub of this blob.
                    reimport(blob, place, attributes, was);
                } else if (clean) {
                    updateAttributes(blob, place, attributes);
                    if (copy.stale()) {
                        // Its recorded copy is gone or changed, so its data is only in Lustre now: marked dirty, the
                        // MDT refuses to release it (mdt_hsm_release) and the next export archives it again.
                        context.changes().apply("set hsm dirty", path.toString(), blob.name(),
                                () -> context.hsm().setState(place.reach(), HsmStates.DIRTY, 0, 0));
                    }
                    context.log().conflict(relative(path), blob.name(), "attributes updated (" + was
                            + (copy.stale() ? "; " + copy.describe() + ": its data is only in Lustre now, marked"
                            + " dirty to be archived again" : "") + ")");
                } else {
                    reimport(blob, place, attributes, was);
                }
            }
            case OVERWRITE_ALWAYS -> {
                // Clean with respect to *this* blob: released data must restore from it, not from another copy.
                Optional<ArchiveRecord> record = copy.record();
                boolean inSync = record.isEmpty() || sameBlob(record.get(), blob);
                if (clean && inSync) {
                    if (!state.has(HsmStates.RELEASED)) {
                        context.changes().apply("request RELEASE", path.toString(), blob.name(),
                                () -> release(place.reach()));
                    }
                    updateAttributes(blob, place, attributes);
                    context.log().conflict(relative(path), blob.name(), (state.has(HsmStates.RELEASED)
                            ? "already released" : "released") + ", attributes updated (" + was + ")");
                } else {
                    reimport(blob, place, attributes, clean && !staleStub ? was + ", archived copy is "
                            + record.map(ArchiveRecord::toString).orElse("?") : was);
                }
            }
        }
    }

    private void reimport(StoredObject blob, Place place, FileAttributes attributes, String was)
            throws ItemError, IOException, LustreException {
        context.changes().apply("delete file", place.path().toString(), blob.name(),
                () -> Files.delete(place.reach()));
        createStub(blob, place, attributes);
        context.log().conflict(relative(place.path()), blob.name(), "deleted and re-imported (" + was + ")");
    }

    private static String describe(HsmUserState state) {
        if (!state.has(HsmStates.ARCHIVED)) {
            return "never archived";
        }
        if (state.has(HsmStates.RELEASED)) {
            return "released";
        }
        return state.has(HsmStates.DIRTY) ? "archived dirty" : "archived clean";
    }

    private boolean sameBlob(ArchiveRecord record, StoredObject blob) {
        return record.archiveId() == options.archiveId() && record.blob().equals(blob.name())
                && Objects.equals(record.etag(), blob.etag());
    }

    private ArchiveRecord recordOf(StoredObject blob) {
        // Content-MD5, else azlhsm_md5, else azlhsm_crc32c (a posix archive's): what the restore will check
        ExpectedChecksum checksum = ExpectedChecksum.of(blob);
        return new ArchiveRecord(options.archiveId(), blob.name(), blob.etag(),
                checksum == null ? null : checksum.md5(), 0, checksum == null ? null : checksum.crc32c(),
                layoutOf(blob));
    }

    /**
     * The listed object's POSIX ACL ({@link BlobMetadataCodec#POSIX_ACL}, which an archive that carries ACLs puts in
     * its listing: a hierarchical account's path ACL), or null when the archive says nothing of ACLs (then an entry's
     * ACL is left as it is). ItemError naming the reason when it cannot be given.
     */
    private static PosixAcl aclOf(StoredObject blob) throws ItemError {
        for (Map.Entry<String, String> e : blob.metadata().entrySet()) {
            if (e.getKey().equalsIgnoreCase(BlobMetadataCodec.POSIX_ACL)) {
                try {
                    return PosixAcl.fromHns(e.getValue());
                } catch (PosixAcl.InvalidAclException bad) {
                    throw new ItemError("its POSIX ACL cannot be given: " + bad.getMessage());
                }
            }
        }
        return null;
    }

    /**
     * The layout the blob's file had when it was archived (azlhsm_lov), which a restore of the stub gives back; null
     * without one or with a value that is no layout. Only striping: at worst a restore falls back to the default.
     */
    private static FileLayout layoutOf(StoredObject blob) {
        for (Map.Entry<String, String> e : blob.metadata().entrySet()) {
            if (e.getKey().equalsIgnoreCase(BlobMetadataCodec.LAYOUT)) {
                try {
                    return FileLayout.fromHex(e.getValue());
                } catch (IllegalArgumentException notALayout) {
                    return null;
                }
            }
        }
        return null;
    }

    private void createStub(StoredObject blob, Place place, FileAttributes attributes)
            throws ItemError, IOException, LustreException {
        createStub(blob, place, attributes, true);
    }

    /**
     * Creates the stub at a path seen absent. False when the import failed and the path exists now (something was
     * created there meanwhile: a file gives EEXIST, a directory another errno) and {@code existsIsError} is false;
     * ItemError for every other failure.
     */
    private boolean createStub(StoredObject blob, Place place, FileAttributes attributes, boolean existsIsError)
            throws ItemError, IOException, LustreException {
        if (context.changes().dryRun()) {
            // the stub, its record and its set-id bits are one change; counted as the real run counts a stub made
            context.changes().apply("import stub", place.path().toString(), blob.name(), () -> {
            });
            countImportedFile(blob, attributes);
            return true;
        }
        long mtimeSec = attributes.mtime().getEpochSecond();
        int mtimeNsec = attributes.mtime().getNano();
        long atimeSec = attributes.atime() != null ? attributes.atime().getEpochSecond() : mtimeSec;
        int atimeNsec = attributes.atime() != null ? attributes.atime().getNano() : mtimeNsec;
        LuFid fid;
        try {
            // Lustre's import gives the stub only the 0777 bits (llite/file.c ll_hsm_import: hui_mode & 0777)
            fid = placement.create(place, options.archiveId(), new ImportAttributes(blob.size(),
                    attributes.mode() & 0777, (int) attributes.uid(), (int) attributes.gid(), atimeSec, atimeNsec,
                    mtimeSec, mtimeNsec));
        } catch (LustreException e) {
            if (!existsIsError && existing(place.reach()).isPresent()) {
                return false;
            }
            throw new ItemError("llapi_hsm_import failed: " + e.getMessage(), e);
        }
        // The record goes to the stub by FID: whatever happens to the path meanwhile, it lands on this stub.
        Path stub = new LustreFile(context.mount(), fid).fidPath();
        try {
            records.write(stub, recordOf(blob));
        } catch (IOException e) {
            // Without the record restore would guess the blob from the path; leave nothing half done. But only this
            // stub, and only while this run holds the lock: the typical cause here is a run that stalled inside
            // llapi_hsm_import while another node resumed the job, which replaced this half-made file by its own stub
            // (found at the path, by another FID), and that stub must stay.
            context.fence().check("removing the half-made stub " + place.reach());
            if (fid.equals(fidAt(place.reach()))) {
                Files.deleteIfExists(place.reach());
            }
            throw new ItemError("cannot record the blob on the stub: " + e.getMessage(), e);
        }
        int setid = permittedMode(attributes) & 06000;
        if (setid != 0) {
            // After the import's chown, which would clear them; by FID, as the record (a regular file: chmod, which
            // unlike a no-follow chmod never opens the stub).
            try {
                Files.setAttribute(stub, "unix:mode", attributes.mode() & 0777 | setid);
            } catch (IOException e) {
                throw new ItemError("the stub was imported, but its setuid/setgid bits could not be set: "
                        + e.getMessage(), e);
            }
        }
        PosixAcl acl = aclOf(blob);
        if (acl != null) {
            try {
                PosixAcls.give(stub, acl, false); // by FID, as the record
            } catch (IOException e) {
                throw new ItemError("the stub was imported, but its POSIX ACL could not be set: " + e.getMessage(), e);
            }
        }
        countImportedFile(blob, attributes);
        return true;
    }

    /**
     * In a resumed job, true for a stub or symlink changed since the job started, so made by its crashed run after
     * the last checkpoint it saved (the checkpoint is saved every few seconds, the work goes on in between). Its
     * ctime, in whole seconds: llapi_hsm_import and our xattr write set it, and nothing else touches a released stub.
     */
    /**
     * An empty regular file with no HSM state, owned by root (the importer) and changed since the crashed run began:
     * the first half of an llapi_hsm_import the crash cut short. It holds no data, so replacing it loses nothing even
     * in the unlikely case that root created an empty file at exactly this path during the crashed run.
     */
    private boolean halfImportedByTheCrashedRun(Path path, BasicFileAttributes existing, HsmUserState state)
            throws IOException {
        return existing.size() == 0 && !state.has(HsmStates.EXISTS)
                && (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0
                && madeByTheCrashedRun(path);
    }

    private boolean madeByTheCrashedRun(Path path) throws IOException {
        if (!context.resumed()) {
            return false;
        }
        FileTime ctime = (FileTime) Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        return ctime.toInstant().getEpochSecond() >= context.started().getEpochSecond();
    }

    private void countImportedFile(StoredObject blob, FileAttributes attributes) {
        attributesGiven(attributes);
        count(ImportCounters.FILES);
        count(ImportCounters.IMPORTED);
        context.progress().advance(1, blob.size());
    }

    /** @param reach the file, reached through its parent's descriptor; the request goes through the mount */
    private void release(Path reach) throws LustreException {
        context.hsm().request(context.mount(), HsmUserAction.RELEASE, 0, 0, List.of(fids.path2fid(reach)),
                new byte[0]);
    }

    // ------------------------------------------------------------------------------------------------ deletions

    /**
     * What {@link #removeStubOf} did with the entry of a blob the container no longer holds.
     *
     * @param removed true: the stub was deleted
     * @param kept    why the entry stays (null when it was removed or there was none)
     */
    record Removal(boolean removed, String kept) {
        static final Removal ABSENT = new Removal(false, null);
        static final Removal REMOVED = new Removal(true, null);

        static Removal kept(String why) {
            return new Removal(false, why);
        }
    }

    /**
     * The container no longer holds the blob (auto-import {@code --deletions}): deletes the entry it became, but only a
     * released stub that still records this very blob of this archive, so never a file with local data (a released
     * file has none: a write restores it first, and then it is dirty or at least not released) nor one a later import
     * or a user put there. Reached through its parent's descriptor, as every import change; a directory, a symlink,
     * another file or a stub of another blob stays, and the answer says why.
     */
    Removal removeStubOf(String blobName) throws ItemError, IOException, LustreException {
        Path path = pathOf(new StoredObject(blobName, 0, "", null, Map.of(), null), blobName.endsWith("/"));
        DirectoryDescriptor parent;
        try {
            parent = directories.openExisting(path.getParent());
        } catch (java.nio.file.NoSuchFileException gone) {
            return Removal.ABSENT;
        } catch (DirectoryDescriptor.NotADirectoryException notADirectory) {
            return Removal.kept(notADirectory.getMessage());
        }
        try (parent) {
            Path reach = parent.entry(path.getFileName().toString());
            Optional<BasicFileAttributes> existing = existing(reach);
            if (existing.isEmpty()) {
                return Removal.ABSENT;
            }
            if (!existing.get().isRegularFile()) {
                return Removal.kept("a " + kindOf(existing.get()) + ": only released stubs are removed");
            }
            HsmUserState state = context.hsm().state(reach);
            if (!state.has(HsmStates.RELEASED) || state.has(HsmStates.DIRTY) || !state.has(HsmStates.ARCHIVED)) {
                return Removal.kept(describe(state) + ": its data is in Lustre, not only in the deleted blob");
            }
            Optional<ArchiveRecord> record = records.read(reach);
            if (record.isEmpty() || record.get().archiveId() != options.archiveId()
                    || !record.get().blob().equals(blobName)) {
                return Removal.kept("released, but it records " + record.map(r -> "blob " + r.blob() + " of archive "
                        + r.archiveId()).orElse("no blob") + ", not this one");
            }
            context.fence().check("removing the stub " + path);
            context.changes().apply("delete stub", path.toString(), blobName, () -> Files.delete(reach));
            return Removal.REMOVED;
        }
    }

    // ------------------------------------------------------------------------------------------------ directories

    private void importDirectory(StoredObject blob, Place place, FileAttributes attributes,
                                 DirectoryScopes.Ticket scopes) throws ItemError, IOException {
        Path path = place.path();
        Optional<BasicFileAttributes> existing = existing(place.reach());
        if (existing.isPresent() && !existing.get().isDirectory()) {
            if (conflict(blob, path, existing.get())) {
                throw new ItemError("a " + kindOf(existing.get()) + " is in the way of the directory");
            }
            return;
        }
        if (directories.phantom(path, blob.name())) {
            // a dry run's directory it would create (now or with an earlier blob): the job's own, as in the real run
            count(ImportCounters.IMPORTED);
            context.changes().apply("set owner and mode of directory", path.toString(), blob.name(), () -> {
            });
            attributesGiven(attributes);
            scopes.directoryTime(path, FileTime.from(attributes.mtime()));
            return;
        }
        // Through the maker even when it exists: a worker creating a child may have made it a moment ago.
        try (DirectoryDescriptor made = directories.open(path, blob.name())) {
            boolean ours = directories.createdByThisJob(path);
            count(ours ? ImportCounters.IMPORTED : ImportCounters.PREEXISTING_DIRECTORIES);
            if (ours || options.conflict() == ConflictMode.OVERWRITE_DIRTY
                    || options.conflict() == ConflictMode.OVERWRITE_ALWAYS) {
                context.changes().apply("set owner and mode of directory", path.toString(), blob.name(),
                        () -> setOwnerAndMode(place.reach(), attributes));
                PosixAcl acl = aclOf(blob);
                if (acl != null) {
                    context.changes().apply("set POSIX ACL of directory", path.toString(), blob.name(),
                            () -> PosixAcls.give(place.reach(), acl, true));
                }
                attributesGiven(attributes);
                scopes.directoryTime(path, FileTime.from(attributes.mtime()));
            }
        }
    }

    /**
     * The listing is done with a directory (or a name that might have been one) and every blob in it is done: sets the
     * time its blob gave it, now that its children exist (creating them moved it), reached through its parent's
     * descriptor, and lets {@link DirectoryMaker} forget it. One that is no longer a directory (a user replaced it
     * meanwhile) is left as it is, and said so.
     *
     * @param setTime false once the job is stopping: times are set only for an import that goes on
     */
    void finishDirectory(DirectoryScopes.Scope scope, boolean setTime) throws IOException {
        try {
            directories.forget(target.resolve(scope.key()).normalize());
        } catch (java.nio.file.InvalidPathException noPath) {
            // a listed name that is no path: nothing was made for it
        }
        Path dir = scope.path();
        FileTime time = scope.time();
        if (dir == null || time == null || !setTime) {
            return;
        }
        if (context.changes().dryRun()) {
            // the directory may be a phantom (nothing to open): the time is only recorded
            context.changes().apply("set time of directory", dir.toString(), null, () -> {
            });
            return;
        }
        try (DirectoryDescriptor parent = directories.openExisting(dir.getParent())) {
            Path reach = parent.entry(dir.getFileName().toString());
            if (!Files.isDirectory(reach, LinkOption.NOFOLLOW_LINKS)) {
                context.log().info("directory " + relative(dir) + " is no longer a directory: its time is not set");
                return;
            }
            Files.getFileAttributeView(reach, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(time, null, null);
        } catch (java.nio.file.NoSuchFileException | DirectoryDescriptor.NotADirectoryException gone) {
            context.log().info("directory " + relative(dir) + ": its time is not set: " + gone.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ symlinks

    private void importSymlink(StoredObject blob, Place place, FileAttributes attributes, boolean targetInBody)
            throws ItemError, IOException, ArchiveException {
        Path path = place.path();
        Path reach = place.reach();
        String linkTarget = targetInBody ? body(blob) : attributes.symlinkTarget();
        if (linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0) {
            throw new ItemError("the symlink target is empty or contains NUL");
        }
        Optional<BasicFileAttributes> existing = existing(reach);
        if (existing.isPresent()) {
            if (existing.get().isSymbolicLink()
                    && Files.readSymbolicLink(reach).toString().equals(linkTarget)) {
                if (madeByTheCrashedRun(reach)) {
                    attributesGiven(attributes);
                    count(ImportCounters.SYMLINKS);
                    count(ImportCounters.IMPORTED);
                    context.progress().advance(1, 0);
                } else {
                    count(ImportCounters.PREEXISTING_SYMLINKS);
                }
                return;
            }
            if (!conflict(blob, path, existing.get())) {
                return;
            }
            if (existing.get().isDirectory()) {
                throw new ItemError("a directory is in the way of the symlink (directories are never deleted)");
            }
            context.changes().apply("delete " + kindOf(existing.get()), path.toString(), blob.name(),
                    () -> Files.delete(reach));
            context.log().conflict(relative(path), blob.name(), "replaced a " + kindOf(existing.get())
                    + " by the symlink");
        }
        context.changes().apply("create symlink", path.toString(), blob.name(), () -> {
            Files.createSymbolicLink(reach, Path.of(linkTarget));
            PosixFileAttributeView view = Files.getFileAttributeView(reach, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            setOwner(reach, attributes);
            view.setTimes(FileTime.from(attributes.mtime()), null, null);
        });
        attributesGiven(attributes);
        count(ImportCounters.SYMLINKS);
        count(ImportCounters.IMPORTED);
        context.progress().advance(1, 0);
    }

    private String body(StoredObject blob) throws ItemError, ArchiveException {
        if (blob.size() > SYMLINK_MAX) {
            throw new ItemError("symlink blob holds " + blob.size() + " bytes; a target has at most " + SYMLINK_MAX);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) blob.size());
        backend.read(blob.name(), blob.etag(), 0, buffer);
        return new String(buffer.array(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------------ shared

    /**
     * A path of another kind exists: counts the conflict; true when the mode says to overwrite it, false for skip;
     * ImportStop for fail.
     */
    private boolean conflict(StoredObject blob, Path path, BasicFileAttributes existing) {
        count(ImportCounters.CONFLICTS);
        String was = "a " + kindOf(existing) + " exists";
        switch (options.conflict()) {
            case FAIL -> {
                context.log().conflict(relative(path), blob.name(), "fail: the job stops (" + was + ")");
                throw new ImportStop("conflict: " + relative(path) + ": " + was + " and --conflict is fail");
            }
            case SKIP -> {
                context.log().conflict(relative(path), blob.name(), "skipped (" + was + ")");
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private static String kindOf(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "directory";
        }
        if (attributes.isSymbolicLink()) {
            return "symlink";
        }
        return attributes.isRegularFile() ? "file" : "special file";
    }

    private void updateAttributes(StoredObject blob, Place place, FileAttributes attributes)
            throws IOException, ItemError {
        Path path = place.reach();
        context.changes().apply("set owner and mode", place.path().toString(), null,
                () -> setOwnerAndMode(path, attributes));
        PosixAcl acl = aclOf(blob);
        if (acl != null) {
            context.changes().apply("set POSIX ACL", place.path().toString(), null,
                    () -> PosixAcls.give(path, acl, false));
        }
        attributesGiven(attributes);
        PosixFileAttributes now = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!now.lastModifiedTime().toInstant().equals(attributes.mtime())) {
            context.changes().apply("set mtime", place.path().toString(), null, () ->
                    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setTimes(FileTime.from(attributes.mtime()), null, null));
        }
    }

    /**
     * Owner and group, then the mode (a chown clears setuid and setgid): sticky kept, setuid and setgid only under
     * import.restore_setid.
     */
    private void setOwnerAndMode(Path path, FileAttributes attributes) throws IOException {
        setOwner(path, attributes);
        int wanted = permittedMode(attributes);
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        if (mode != wanted) {
            Files.setAttribute(path, "unix:mode", wanted, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** lchown when the ids differ (never follows a symlink). */
    private static void setOwner(Path path, FileAttributes attributes) throws IOException {
        int uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        if (Integer.toUnsignedLong(uid) != attributes.uid()) {
            Files.setAttribute(path, "unix:uid", (int) attributes.uid(), LinkOption.NOFOLLOW_LINKS);
        }
        if (Integer.toUnsignedLong(gid) != attributes.gid()) {
            Files.setAttribute(path, "unix:gid", (int) attributes.gid(), LinkOption.NOFOLLOW_LINKS);
        }
    }
}

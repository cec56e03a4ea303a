package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.jobs.JobChanges;
import io.azlhsm.copytool.lustre.DirectoryDescriptor;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates the directories of the imported tree (implied by blob names or named by {@code hdi_isfolder} blobs) under
 * the target, each once, with AMLFS's default directory mode 0777, and opens them for the importer.
 *
 * <p>Never follows a symlink, whenever it appears: every directory is reached from the target's descriptor, one
 * {@code openat(O_DIRECTORY|O_NOFOLLOW)} per path segment, and created with {@code mkdirat} through its parent's
 * descriptor ({@link DirectoryDescriptor}). The directories are 0777, so any user may replace one the job has already
 * made or checked by a symlink at any moment; a walk by path would then lead the importer, running as root, outside
 * the target. Here a symlink (or a file) in place of a directory fails the blob with an error naming it, and whatever
 * the importer creates goes into the very directory it opened.
 *
 * <p>Each directory it creates names its creator in {@value #CREATOR_XATTR}: the job and the blob whose import
 * created it. A resumed job needs that to count exactly: a directory the crashed run created after its last
 * checkpoint was counted in the tally of a blob that is not recorded as done, so it is counted again when that very
 * blob is imported again (and only then), and it is the job's own, not preexisting. (A crash between a mkdir and
 * its xattr write leaves a directory without it, which the resumed job takes for preexisting and does not count.)
 * Root-only ({@code trusted.*}), so it works on a default Lustre mount, which has no user xattrs, and no user can
 * make a directory of theirs pass for the job's own.
 *
 * <p>A dry run creates nothing, but what it imports below a directory it would have created must be decided as the
 * real run decides it: such a directory is a <em>phantom</em> ({@link #phantom}), counted and written as a WOULD line
 * once, as the real run counts and creates it once, and everything below it is absent (would be created, never a
 * conflict). The target itself may be one (a {@code --target} that does not exist yet).
 */
final class DirectoryMaker implements AutoCloseable {
    /** Value: {@code "<job id> <blob name>"}. */
    static final String CREATOR_XATTR = "trusted.azlhsm.import";
    private static final int DIRECTORY_MODE = 0777;

    private final Path target;
    /** The target's descriptor; null when the target is a dry run's phantom. */
    private final DirectoryDescriptor root;
    private final Runnable created;
    private final JobChanges changes;
    /** A dry run's directories that it would have created (see {@link #phantom}); empty in a real run. */
    private final Set<Path> phantoms = ConcurrentHashMap.newKeySet();
    /** Directories this job has created or adopted: counted once, never created again. */
    private final Set<Path> known = ConcurrentHashMap.newKeySet();
    private final Set<Path> createdByUs = ConcurrentHashMap.newKeySet();

    private final String jobId;
    private final boolean resumed;
    /** Resumed job: directories the crashed run created and no done blob counted, by the blob that created them. */
    private final Map<Path, String> uncounted = new ConcurrentHashMap<>();

    /**
     * Opens the target (which must be a directory, not a symlink) and keeps it open until {@link #close()}.
     *
     * @param created told of each directory this job creates (in the creating thread)
     * @param resumed the job continues a crashed run: existing directories may be its own
     */
    DirectoryMaker(Path target, String jobId, boolean resumed, Runnable created) throws IOException {
        this(target, jobId, resumed, created, io.azlhsm.copytool.jobs.AppliedChanges.INSTANCE, false);
    }

    /**
     * @param changes        a dry run's records the directories it would create; a real run's creates them
     * @param phantomTarget  a dry run whose target does not exist: every directory is a phantom
     */
    DirectoryMaker(Path target, String jobId, boolean resumed, Runnable created, JobChanges changes,
                   boolean phantomTarget) throws IOException {
        if (phantomTarget && !changes.dryRun()) {
            throw new IllegalArgumentException("only a dry run has a phantom target");
        }
        this.target = target;
        this.root = phantomTarget ? null : DirectoryDescriptor.open(target);
        this.jobId = jobId;
        this.resumed = resumed;
        this.created = created;
        this.changes = changes;
        if (phantomTarget) {
            phantoms.add(target);
        }
    }

    /**
     * A dry run's stand-in for creating {@code dir}: true when {@code dir} is or lies below a directory the dry run
     * would create (then it makes no call through a descriptor for it: nothing there exists). Each absent directory on
     * the way that this run meets first is counted and written as a WOULD line, as {@link #open} would create it.
     * False in a real run, and for a {@code dir} that exists all the way down (or has a file or symlink on the way,
     * which {@link #open} then refuses as the real run does).
     *
     * @param blob the blob being imported, named in the WOULD line as the one that creates the directory
     */
    boolean phantom(Path dir, String blob) {
        if (!changes.dryRun()) {
            return false;
        }
        if (!dir.startsWith(target)) {
            return false; // open() refuses it, naming why
        }
        boolean absent = phantoms.contains(target);
        Path p = target;
        for (Path segment : target.relativize(dir)) {
            if (segment.toString().isEmpty()) {
                break; // dir is the target itself
            }
            p = p.resolve(segment);
            if (!absent) {
                if (phantoms.contains(p)) {
                    absent = true;
                } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        return false; // a file or symlink in the way: open() fails the blob as the real run does
                    }
                    continue;
                } else {
                    absent = true;
                }
            }
            wouldCreate(p, blob);
        }
        return absent;
    }

    private synchronized void wouldCreate(Path p, String blob) {
        if (known.add(p)) {
            phantoms.add(p);
            createdByUs.add(p);
            created.run();
            changes.apply("create directory", p.toString(), blob, () -> {
            });
        }
    }

    /**
     * The import is done with {@code dir} ({@link DirectoryScopes}: the listing left it, and every blob in it is done):
     * what is known of it is dropped, so that this class holds only the directories the listing is in, not every one
     * the job met. No blob of this job reaches it again, so nothing is created or counted twice.
     */
    void forget(Path dir) {
        known.remove(dir);
        if (!dir.equals(target)) {
            phantoms.remove(dir); // a phantom target stays one: everything below it is absent
        }
        createdByUs.remove(dir);
        uncounted.remove(dir);
    }

    /** True when this job created the directory (now or earlier in this run). */
    boolean createdByThisJob(Path dir) {
        return createdByUs.contains(dir);
    }

    /**
     * Makes {@code dir} and its missing ancestors below the target and opens it, reaching each from the target's
     * descriptor; the caller closes it.
     *
     * @param blob the blob being imported, which the directories created now are recorded as created by
     * @throws DirectoryDescriptor.NotADirectoryException naming the component that is a symlink or a file
     */
    DirectoryDescriptor open(Path dir, String blob) throws IOException {
        DirectoryDescriptor opened = walk(dir, blob, true);
        if (resumed) {
            // after the walk, under its lock: a directory another worker adopted meanwhile is in uncounted by now
            synchronized (this) {
                countCrashedRunsDirectories(dir, blob);
            }
        }
        return opened;
    }

    /** Opens an existing {@code dir} below the target the same way, creating nothing; NoSuchFileException if absent. */
    DirectoryDescriptor openExisting(Path dir) throws IOException {
        return walk(dir, null, false);
    }

    private DirectoryDescriptor walk(Path dir, String blob, boolean create) throws IOException {
        if (!dir.startsWith(target)) {
            throw new IOException(dir + " is not below the import target " + target);
        }
        // The first step goes from the target's own descriptor, shared by every worker (openat on one descriptor from
        // many threads is safe) and never closed here: a reopen of the target per blob would cost an open and a close
        // of it on Lustre for each stub. Only the target itself is handed out as a second descriptor.
        DirectoryDescriptor current = null;
        try {
            Path p = target;
            for (Path segment : target.relativize(dir)) {
                if (segment.toString().isEmpty()) {
                    break; // dir is the target itself
                }
                p = p.resolve(segment);
                DirectoryDescriptor parent = current == null ? root : current;
                DirectoryDescriptor next = create ? openOrCreate(parent, p, segment.toString(), blob)
                        : parent.openChild(segment.toString(), target.relativize(p).toString());
                if (current != null) {
                    current.close();
                }
                current = next;
            }
            return current == null ? root.reopen() : current;
        } catch (IOException | RuntimeException e) {
            if (current != null) {
                current.close();
            }
            throw e;
        }
    }

    private DirectoryDescriptor openOrCreate(DirectoryDescriptor parent, Path p, String name, String blob)
            throws IOException {
        String described = target.relativize(p).toString();
        try {
            DirectoryDescriptor child = parent.openChild(name, described);
            if (!known.contains(p)) {
                synchronized (this) {
                    if (!known.contains(p)) {
                        if (resumed) {
                            adoptCrashedRunsDirectory(parent.entry(name), p, blob);
                        }
                        known.add(p);
                    }
                }
            }
            return child;
        } catch (java.nio.file.NoSuchFileException absent) {
            if (changes.dryRun()) {
                throw absent; // gone since phantom() looked: a dry run never creates (the blob fails, and says why)
            }
            // create below
        }
        // One creator at a time: two workers needing the same new directory must agree on who created it.
        synchronized (this) {
            if (!known.contains(p)) {
                try {
                    parent.makeChild(name, DIRECTORY_MODE, described);
                    // first: a crash after it leaves a directory that seems preexisting
                    recordCreator(parent.entry(name), blob);
                    try (DirectoryDescriptor made = parent.openChild(name, described)) {
                        made.chmod(DIRECTORY_MODE); // mkdirat's mode went through the umask
                    }
                    created.run();
                    createdByUs.add(p);
                } catch (FileAlreadyExistsException exists) {
                    if (resumed) {
                        adoptCrashedRunsDirectory(parent.entry(name), p, blob);
                    }
                }
                known.add(p);
            }
        }
        return parent.openChild(name, described);
    }

    /**
     * An existing directory in a resumed job: the crashed run's own, and counted now if this blob made it.
     *
     * @param reach the path that reaches it through its parent's descriptor
     */
    private void adoptCrashedRunsDirectory(Path reach, Path p, String blob) {
        String creator = recordedCreator(reach);
        if (creator == null || !creator.startsWith(jobId + " ")) {
            return; // preexisting
        }
        createdByUs.add(p);
        String creatorBlob = creator.substring(jobId.length() + 1);
        if (creatorBlob.equals(blob)) {
            created.run();
        } else {
            uncounted.put(p, creatorBlob); // counted if that blob is imported again (it is not recorded as done)
        }
    }

    private void countCrashedRunsDirectories(Path dir, String blob) {
        for (Path p = dir; p != null && p.startsWith(target); p = p.getParent()) {
            if (uncounted.remove(p, blob)) {
                created.run();
            }
        }
    }

    private void recordCreator(Path p, String blob) {
        try {
            ExtendedAttributes.set(p, CREATOR_XATTR, (jobId + " " + blob).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // Only a resumed job's counts need it: without it this directory would count as preexisting there.
        }
    }

    @Override
    public void close() {
        if (root != null) {
            root.close();
        }
    }

    private static String recordedCreator(Path p) {
        try {
            return ExtendedAttributes.get(p, CREATOR_XATTR).map(v -> new String(v, StandardCharsets.UTF_8))
                    .orElse(null); // absent: not created by an import
        } catch (IOException unreadable) {
            return null; // as for an absent one: the directory counts as preexisting
        }
    }
}

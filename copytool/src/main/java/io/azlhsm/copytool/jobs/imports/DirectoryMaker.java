package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.lustre.ExtendedAttributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates the directories of the imported tree (implied by blob names or named by {@code hdi_isfolder} blobs) under
 * the target, each once, with AMLFS's default directory mode 0777. Never follows a symlink: an existing component that
 * is not a real directory is an error, so no name can lead outside the target.
 *
 * <p>Each directory it creates names its creator in {@value #CREATOR_XATTR}: the job and the blob whose import
 * created it. A resumed job needs that to count exactly: a directory the crashed run created after its last
 * checkpoint was counted in the tally of a blob that is not recorded as done, so it is counted again when that very
 * blob is imported again (and only then), and it is the job's own, not preexisting. (A crash between a mkdir and
 * its xattr write leaves a directory without it, which the resumed job takes for preexisting and does not count.)
 * Root-only ({@code trusted.*}), so it works on a default Lustre mount, which has no user xattrs, and no user can
 * make a directory of theirs pass for the job's own.
 */
final class DirectoryMaker {
    /** Value: {@code "<job id> <blob name>"}. */
    static final String CREATOR_XATTR = "trusted.azlhsm.import";

    private final Path target;
    private final Runnable created;
    private final Set<Path> known = ConcurrentHashMap.newKeySet();
    private final Set<Path> createdByUs = ConcurrentHashMap.newKeySet();

    private final String jobId;
    private final boolean resumed;
    /** Resumed job: directories the crashed run created and no done blob counted, by the blob that created them. */
    private final Map<Path, String> uncounted = new ConcurrentHashMap<>();

    /**
     * @param created told of each directory this job creates (in the creating thread)
     * @param resumed the job continues a crashed run: existing directories may be its own
     */
    DirectoryMaker(Path target, String jobId, boolean resumed, Runnable created) {
        this.target = target;
        this.jobId = jobId;
        this.resumed = resumed;
        this.created = created;
    }

    /** True when this job created the directory (now or earlier in this run). */
    boolean createdByThisJob(Path dir) {
        return createdByUs.contains(dir);
    }

    /**
     * Makes {@code dir} and its missing ancestors below the mount; true when {@code dir} itself was created now.
     *
     * @param blob the blob being imported, which the directories created now are recorded as created by
     */
    boolean ensure(Path dir, String blob) throws IOException {
        boolean createdDir = !known.contains(dir) && create(dir, blob);
        if (resumed) {
            // after create, under its lock: a directory another worker adopted meanwhile is in uncounted by now
            synchronized (this) {
                countCrashedRunsDirectories(dir, blob);
            }
        }
        return createdDir;
    }

    private boolean create(Path dir, String blob) throws IOException {
        List<Path> chain = new ArrayList<>();
        for (Path p = dir; p != null && p.startsWith(target); p = p.getParent()) {
            chain.add(0, p);
        }
        // One creator at a time: two workers needing the same new parent must agree on who created it.
        synchronized (this) {
            boolean createdDir = false;
            for (Path p : chain) {
                if (known.contains(p)) {
                    continue;
                }
                try {
                    Files.createDirectory(p);
                    recordCreator(p, blob); // first: a crash between the two leaves a directory that seems preexisting
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
                    created.run();
                    createdByUs.add(p);
                    createdDir = p.equals(dir);
                } catch (FileAlreadyExistsException exists) {
                    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException(target.relativize(p) + " exists and is not a directory"
                                + (Files.isSymbolicLink(p) ? " (a symlink, never followed)" : ""));
                    }
                    if (resumed) {
                        adoptCrashedRunsDirectory(p, blob);
                    }
                }
                known.add(p);
            }
            return createdDir;
        }
    }

    /** An existing directory in a resumed job: the crashed run's own, and counted now if this blob made it. */
    private void adoptCrashedRunsDirectory(Path p, String blob) {
        String creator = recordedCreator(p);
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

    private static String recordedCreator(Path p) {
        try {
            return ExtendedAttributes.get(p, CREATOR_XATTR).map(v -> new String(v, StandardCharsets.UTF_8))
                    .orElse(null); // absent: not created by an import
        } catch (IOException unreadable) {
            return null; // as for an absent one: the directory counts as preexisting
        }
    }
}

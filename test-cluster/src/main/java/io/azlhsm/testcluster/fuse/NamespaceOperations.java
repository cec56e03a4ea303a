package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A client mount's operations on names: mkdir, unlink and rmdir, rename, symlink, link. Each changes the backing
 * tree, tells the namespace (a new FID, a name moved, the last name gone) and makes the changelog record Lustre's MDT
 * writes; a file whose last name goes while it has an archive copy is handed to {@link LastUnlink}
 * (remove_archive_on_last_unlink). Holds no state: safe on any FUSE thread.
 */
final class NamespaceOperations {
    private final Namespace ns;
    private final MountPaths paths;
    private final ClientChangelog records;
    private final LastUnlink lastUnlink;

    NamespaceOperations(Namespace ns, MountPaths paths, ClientChangelog records, LastUnlink lastUnlink) {
        this.ns = ns;
        this.paths = paths;
        this.records = records;
        this.lastUnlink = lastUnlink;
    }

    /** mkdir by the caller uid/gid: the directory is theirs. */
    int mkdir(String path, long mode, int uid, int gid) {
        try {
            String rel = paths.relative(path);
            Path p = ns.backingPath(rel);
            Files.createDirectory(p);
            Files.setAttribute(p, "unix:mode", (int) (mode & 07777), LinkOption.NOFOLLOW_LINKS);
            ownBy(p, uid, gid);
            Fid fid = ns.onCreated(rel);
            records.named(ChangelogRecord.CL_MKDIR, fid, rel);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /** A new entry belongs to the process that made it. */
    static void ownBy(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * libfuse's name for a file unlinked while open: instead of unlink it renames the file to this and unlinks that
     * name at the last close. On Lustre the name goes at unlink and the file lives on as an orphan until its last
     * close, so the simulator records the unlink at the rename and lets the orphan's last close act
     * (remove_archive_on_last_unlink) without a record, and never lists these names.
     */
    static final String FUSE_HIDDEN_PREFIX = ".fuse_hidden";

    private static boolean isFuseHidden(String rel) {
        return ClientChangelog.name(rel).startsWith(FUSE_HIDDEN_PREFIX);
    }

    /** unlink and rmdir. */
    int remove(String path) {
        try {
            String rel = paths.relative(path);
            Fid fid = ns.fidOf(rel);
            Path p = ns.backingPath(rel);
            boolean directory = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
            int nlink = (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            HsmAttributes hsm = directory ? HsmAttributes.NONE : Namespace.readHsm(p);
            boolean archived = hsm.has(HsmFlags.EXISTS);
            if (isFuseHidden(rel)) {
                // the last close of an open-unlinked file (an orphan): its unlink was recorded already
                Files.delete(p);
                ns.onRemoved(fid);
                if (nlink <= 1 && archived) {
                    lastUnlink.unlinked(fid, hsm);
                }
                return 0;
            }
            Fid parent = records.parentFid(rel);
            Files.delete(p);
            if (directory || nlink <= 1) {
                ns.onRemoved(fid);
                if (archived) {
                    lastUnlink.unlinked(fid, hsm);
                }
            }
            records.unlinked(directory, directory || nlink <= 1, archived, fid, parent, rel);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    int rename(String oldpath, String newpath) {
        try {
            String from = paths.relative(oldpath);
            String to = paths.relative(newpath);
            if (isFuseHidden(to)) {
                return unlinkOpenFile(from, to);
            }
            Path target = ns.backingPath(to);
            Fid replaced = null;
            int flags = 0;
            HsmAttributes replacedHsm = HsmAttributes.NONE;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                replaced = ns.fidOf(to);
                boolean directory = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
                int nlink = (Integer) Files.getAttribute(target, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
                if (directory || nlink <= 1) {
                    flags |= ChangelogRecord.CLF_RENAME_LAST;
                    replacedHsm = directory ? HsmAttributes.NONE : Namespace.readHsm(target);
                    if (replacedHsm.has(HsmFlags.EXISTS)) {
                        flags |= ChangelogRecord.CLF_RENAME_LAST_EXISTS;
                    }
                }
            }
            Fid oldParent = records.parentFid(from);
            Files.move(ns.backingPath(from), target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            if (replaced != null && (flags & ChangelogRecord.CLF_RENAME_LAST) != 0) {
                ns.onRemoved(replaced);
                if ((flags & ChangelogRecord.CLF_RENAME_LAST_EXISTS) != 0) {
                    lastUnlink.unlinked(replaced, replacedHsm); // overwriting the last name is an unlink too
                }
            }
            ns.onRenamed(from, to);
            records.renamed(flags, replaced, from, oldParent, to);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /** libfuse hides a file unlinked while open under a .fuse_hidden name: on Lustre this is the unlink. */
    private int unlinkOpenFile(String from, String hidden) throws IOException, SimulatorException {
        Path p = ns.backingPath(from);
        Fid fid = ns.fidOf(from);
        int nlink = (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        boolean archived = Namespace.readHsm(p).has(HsmFlags.EXISTS);
        Fid parent = records.parentFid(from);
        Files.move(p, ns.backingPath(hidden), StandardCopyOption.ATOMIC_MOVE);
        ns.onRenamed(from, hidden);
        boolean last = nlink <= 1;
        if (last) {
            ns.onRemoved(fid); // an orphan: no path leads to it any more
        }
        records.unlinked(false, last, archived, fid, parent, from);
        return 0;
    }

    /** symlink by the caller uid/gid: the link is theirs. */
    int symlink(String oldpath, String newpath, int uid, int gid) {
        try {
            String rel = paths.relative(newpath);
            Path link = ns.backingPath(rel);
            Files.createSymbolicLink(link, Path.of(oldpath));
            Files.setAttribute(link, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(link, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            records.named(ChangelogRecord.CL_SOFTLINK, symlinkFid(rel), rel);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }

    /** A symlink's FID, kept in its trusted.lma like any entry's; a backing store refusing that gets a fresh one. */
    private Fid symlinkFid(String rel) {
        try {
            return ns.onCreated(rel);
        } catch (java.io.UncheckedIOException e) {
            return ns.newFid();
        }
    }

    int link(String oldpath, String newpath) {
        try {
            String rel = paths.relative(newpath);
            Path existing = paths.backing(oldpath);
            Files.createLink(ns.backingPath(rel), existing);
            records.named(ChangelogRecord.CL_HARDLINK, ns.fidOf(paths.relative(oldpath)), rel);
            return 0;
        } catch (IOException e) {
            return -IoErrno.of(e);
        } catch (SimulatorException e) {
            return -e.errno();
        }
    }
}

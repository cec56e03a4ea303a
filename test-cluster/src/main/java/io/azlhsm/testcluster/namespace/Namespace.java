package io.azlhsm.testcluster.namespace;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The simulated file system's metadata over a backing directory: every file and directory has a FID, kept in its
 * {@code trusted.lma}; HSM attributes live in {@code trusted.hsm}, the data version in {@code trusted.hsmsim.dv}. Only
 * this daemon writes them. Paths are relative to the file system root, "" being the root itself.
 *
 * <p>The FID-to-path index is kept in memory (rebuilt by a scan at start) and updated by the client mounts on create,
 * rename and unlink; it plays the MDT's link EA / OI for fid2path and {@code .lustre/fid}.
 *
 * <p>DNE: the file system has {@link #mdtCount()} MDTs. Each hands out FIDs from its own sequences, MDT {@code i}
 * from {@code 0x200000400 + i * 0x40000000} (as a DNE file system's MDT0001 gives [0x240000400:...]); which MDT holds
 * a FID is read from its sequence, as the client's FLD lookup does. A new entry goes to the MDT of its directory
 * ({@link DirectoryLayout}: a plain directory's own MDT; in a striped one, the stripe its name hashes to).
 */
public final class Namespace {
    public static final String LMA = "trusted.lma";
    public static final String HSM = "trusted.hsm";
    public static final String DATA_VERSION = "trusted.hsmsim.dv";
    /** First FID sequence handed to normal files, as on a fresh Lustre MDT0. */
    public static final long FIRST_SEQUENCE = 0x200000400L;
    /** Each MDT's sequences start this far apart (MDT0001: 0x240000400). */
    static final long MDT_SEQUENCE_SPAN = 0x40000000L;
    /** A striped directory's layout (the simulator's own xattr, hidden from clients). */
    public static final String LMV = "trusted.hsmsim.lmv";

    private final Path backing;
    private final Path volatileDir;
    private final Path stateDir;
    private final PersistentCounter[] oids;
    private final PersistentCounter dataVersions;
    private final Map<Fid, String> pathsByFid = new ConcurrentHashMap<>();
    private final Map<Fid, Integer> openWriters = new ConcurrentHashMap<>();

    public Namespace(Path backing, Path volatileDir, Path stateDir) throws IOException {
        this(backing, volatileDir, stateDir, 1);
    }

    /** @param mdtCount how many MDTs (DNE when more than one) */
    public Namespace(Path backing, Path volatileDir, Path stateDir, int mdtCount) throws IOException {
        if (mdtCount < 1 || mdtCount > 16) {
            throw new IllegalArgumentException("MDT count must be 1 to 16, not " + mdtCount);
        }
        this.backing = backing;
        this.volatileDir = volatileDir;
        this.stateDir = stateDir;
        Files.createDirectories(backing);
        Files.createDirectories(volatileDir);
        Files.createDirectories(stateDir);
        this.oids = new PersistentCounter[mdtCount];
        for (int mdt = 0; mdt < mdtCount; mdt++) {
            oids[mdt] = new PersistentCounter(stateDir.resolve(mdt == 0 ? "last_oid" : String.format(
                    "last_oid.MDT%04x", mdt)), 1);
        }
        this.dataVersions = new PersistentCounter(stateDir.resolve("last_data_version"), 1);
        scan();
    }

    public Path backingRoot() {
        return backing;
    }

    /** The simulated servers' persistent state (counters, tunables, the configured capacity). */
    public Path stateDirectory() {
        return stateDir;
    }

    /** Indexes every existing entry, giving a FID to any that lacks one (created behind the simulator's back). */
    private void scan() throws IOException {
        writeXattr(backing, LMA, Fid.ROOT.toLma());
        pathsByFid.put(Fid.ROOT, "");
        try (Stream<Path> all = Files.walk(backing)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(backing) || Files.isSymbolicLink(p)) {
                    continue;
                }
                String rel = backing.relativize(p).toString();
                byte[] lma = Xattrs.get(p, LMA);
                Fid fid = lma != null && lma.length >= 24 ? Fid.fromLma(lma) : assignFid(p, placement(rel));
                pathsByFid.put(fid, rel);
            }
        }
    }

    public Path backingPath(String rel) {
        return rel.isEmpty() ? backing : backing.resolve(rel);
    }

    /** The FID of the entry at rel, ENOENT if there is none. */
    public Fid fidOf(String rel) throws SimulatorException {
        Path p = backingPath(rel);
        try {
            byte[] lma = Xattrs.get(p, LMA);
            if (lma == null) {
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new SimulatorException(Errno.ENOENT, rel);
                }
                return onCreated(rel);
            }
            return Fid.fromLma(lma);
        } catch (Xattrs.XattrException e) {
            throw new SimulatorException(e.errno(), e.getMessage());
        }
    }

    /** The path of fid relative to the root, ENOENT if it is not (or no longer) in the namespace. */
    public String pathOf(Fid fid) throws SimulatorException {
        String rel = pathsByFid.get(fid);
        if (rel == null || !Files.exists(backingPath(rel), LinkOption.NOFOLLOW_LINKS)) {
            throw new SimulatorException(Errno.ENOENT, "no such FID " + fid);
        }
        return rel;
    }

    /**
     * The path the index holds for fid, or null: no stat, so the file may be gone (an operation on it then fails
     * with ENOENT by itself); for a FID named on a client mount, where a lookup per FUSE request made the stat of
     * {@link #pathOf} a tenth of the simulator's CPU.
     */
    public String indexedPath(Fid fid) {
        return pathsByFid.get(fid);
    }

    public Path backingPathOf(Fid fid) throws SimulatorException {
        return backingPath(pathOf(fid));
    }

    public boolean exists(Fid fid) {
        String rel = pathsByFid.get(fid);
        return rel != null && Files.exists(backingPath(rel), LinkOption.NOFOLLOW_LINKS);
    }

    /** Gives a newly created entry its FID, from the MDT its directory places it on. */
    public Fid onCreated(String rel) {
        return onCreated(rel, placement(rel));
    }

    /** Gives a newly created entry a FID of MDT mdt (lfs mkdir -i). */
    public Fid onCreated(String rel, int mdt) {
        Path p = backingPath(rel);
        try {
            Fid fid = assignFid(p, mdt);
            pathsByFid.put(fid, rel);
            return fid;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fid assignFid(Path p, int mdt) throws IOException {
        Fid fid = newFid(mdt);
        writeXattr(p, LMA, fid.toLma());
        return fid;
    }

    /** A FID of MDT0 never handed out before. */
    public Fid newFid() {
        return newFid(0);
    }

    /** A FID of MDT mdt never handed out before (also used for restore's volatile files). */
    public Fid newFid(int mdt) {
        long oid = oids[mdt].next();
        // Lustre sequences hold 2^17 objects (LUSTRE_DATA_SEQ_MAX_WIDTH); step to the next sequence past that.
        long width = 0x20000L;
        return new Fid(FIRST_SEQUENCE + mdt * MDT_SEQUENCE_SPAN + (oid / width), (int) (oid % width), 0);
    }

    // ------------------------------------------------------------------ DNE: MDTs and placement

    public int mdtCount() {
        return oids.length;
    }

    /**
     * The MDT holding fid, from its sequence (the client's FLD lookup, behind LL_IOC_FID2MDTIDX); ENOENT for a
     * sequence no MDT of this file system hands out.
     */
    public int mdtOf(Fid fid) throws SimulatorException {
        if (fid.seq() == Fid.ROOT.seq()) {
            return 0;
        }
        long offset = fid.seq() - FIRST_SEQUENCE;
        if (offset >= 0) {
            long mdt = offset / MDT_SEQUENCE_SPAN;
            if (mdt < mdtCount()) {
                return (int) mdt;
            }
        }
        throw new SimulatorException(Errno.ENOENT, "no MDT has the sequence of " + fid);
    }

    /** The layout of the directory rel: striped (its own xattr) or plain on the MDT of its FID. */
    public DirectoryLayout layout(String rel) throws SimulatorException {
        Path p = backingPath(rel);
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new SimulatorException(Errno.ENOTDIR, rel);
        }
        try {
            byte[] lmv = Xattrs.get(p, LMV);
            if (lmv != null) {
                return DirectoryLayout.decode(lmv);
            }
        } catch (Xattrs.XattrException e) {
            throw new SimulatorException(e.errno(), e.getMessage());
        }
        return DirectoryLayout.plain(mdtOf(fidOf(rel)));
    }

    /**
     * The MDT a new entry named rel goes to: that of its directory (children inherit their parent's MDT), or in a
     * striped directory the stripe its name hashes to. MDT0 when that cannot be read.
     */
    public int placement(String rel) {
        int slash = rel.lastIndexOf('/');
        return placement(slash < 0 ? "" : rel.substring(0, slash), rel.substring(slash + 1));
    }

    /** The MDT a new entry called name in the directory parent goes to. */
    public int placement(String parent, String name) {
        try {
            return layout(parent).mdtFor(name);
        } catch (SimulatorException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * lfs mkdir -i OFFSET [-c COUNT]: a directory on MDT offset (-1: where its parent places it), striped over
     * count MDTs from offset when count is more than 1 (each stripe gets a FID of its MDT). ENOENT without the
     * parent, EEXIST if rel exists, EINVAL for an MDT or count the file system does not have.
     */
    public synchronized Fid mkdir(String rel, int offset, int count, int mode, int uid, int gid)
            throws SimulatorException {
        if (rel.isEmpty()) {
            throw new SimulatorException(Errno.EEXIST, "/");
        }
        int first = offset < 0 ? placement(rel) : offset;
        int stripes = count <= 0 ? 1 : count;
        if (first >= mdtCount() || stripes > mdtCount()) {
            throw new SimulatorException(Errno.EINVAL, "the file system has " + mdtCount() + " MDTs: no stripe"
                    + " offset " + offset + " with count " + count);
        }
        Path p = backingPath(rel);
        try {
            Files.createDirectory(p);
            Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new SimulatorException(Errno.EEXIST, rel);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SimulatorException(Errno.ENOENT, "no parent directory of " + rel);
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
        Fid fid = onCreated(rel, first);
        if (stripes > 1) {
            int[] mdts = new int[stripes];
            Fid[] fids = new Fid[stripes];
            for (int i = 0; i < stripes; i++) {
                mdts[i] = (first + i) % mdtCount();
                fids[i] = newFid(mdts[i]); // each stripe is a directory object of its own MDT
            }
            writeXattrChecked(p, LMV, new DirectoryLayout(first, mdts, fids).encode());
        }
        return fid;
    }

    /** Keeps the index right after a rename of a file or a whole directory tree. */
    public void onRenamed(String from, String to) {
        String prefix = from + "/";
        for (Map.Entry<Fid, String> e : pathsByFid.entrySet()) {
            String rel = e.getValue();
            if (rel.equals(from)) {
                e.setValue(to);
            } else if (rel.startsWith(prefix)) {
                e.setValue(to + "/" + rel.substring(prefix.length()));
            }
        }
    }

    public void onRemoved(Fid fid) {
        pathsByFid.remove(fid);
    }

    /** Records that a path now names the file fid (used after a swap or an import). */
    public void index(Fid fid, String rel) {
        pathsByFid.put(fid, rel);
    }

    // ------------------------------------------------------------------ HSM attributes and data versions

    /**
     * The backing file of fid, for reading or writing one of its extended attributes: the index's path without the
     * stat of {@link #pathOf}, since the xattr call itself fails with ENOENT when the file is gone (the coordinator
     * reads or writes these several times per action).
     */
    private Path attributeHolder(Fid fid) throws SimulatorException {
        String rel = pathsByFid.get(fid);
        if (rel == null) {
            throw new SimulatorException(Errno.ENOENT, "no such FID " + fid);
        }
        return backingPath(rel);
    }

    public HsmAttributes hsm(Fid fid) throws SimulatorException {
        return readHsm(attributeHolder(fid));
    }

    public static HsmAttributes readHsm(Path p) throws SimulatorException {
        try {
            byte[] raw = Xattrs.get(p, HSM);
            return raw == null || raw.length < 24 ? HsmAttributes.NONE : HsmAttributes.decode(raw);
        } catch (Xattrs.XattrException e) {
            throw new SimulatorException(e.errno(), e.getMessage());
        }
    }

    public void setHsm(Fid fid, HsmAttributes attrs) throws SimulatorException {
        writeXattrChecked(attributeHolder(fid), HSM, attrs.encode());
    }

    public long dataVersion(Fid fid) throws SimulatorException {
        return readDataVersion(attributeHolder(fid));
    }

    public static long readDataVersion(Path p) throws SimulatorException {
        try {
            byte[] raw = Xattrs.get(p, DATA_VERSION);
            return raw == null ? 0 : ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
        } catch (Xattrs.XattrException e) {
            throw new SimulatorException(e.errno(), e.getMessage());
        }
    }

    /** A write or truncate changed the data: give it a data version no file has had before. */
    public long bumpDataVersion(Path backingFile) throws SimulatorException {
        long dv = dataVersions.next();
        writeDataVersion(backingFile, dv);
        return dv;
    }

    public static void writeDataVersion(Path p, long dv) throws SimulatorException {
        writeXattrChecked(p, DATA_VERSION, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(dv).array());
    }

    private static void writeXattr(Path p, String name, byte[] value) throws IOException {
        Xattrs.set(p, name, value);
    }

    private static void writeXattrChecked(Path p, String name, byte[] value) throws SimulatorException {
        try {
            Xattrs.set(p, name, value);
        } catch (Xattrs.XattrException e) {
            throw new SimulatorException(e.errno(), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ writers (for release's EBUSY)

    public void writerOpened(Fid fid) {
        openWriters.merge(fid, 1, Integer::sum);
    }

    public void writerClosed(Fid fid) {
        openWriters.computeIfPresent(fid, (k, n) -> n > 1 ? n - 1 : null);
    }

    public boolean hasWriters(Fid fid) {
        return openWriters.containsKey(fid);
    }

    // ------------------------------------------------------------------ restore volatile files

    public Path volatileDirectory() {
        return volatileDir;
    }

    /**
     * The backing file of a restore's volatile file, by its FID, while it exists. On Lustre it is an open orphan the
     * copytool reaches through its file descriptor; libhsmsim opens it through the client mount by FID, so that what
     * the copytool does on that descriptor (writes, fsetxattr of lustre.lov) reaches the simulated client.
     */
    public Optional<Path> volatileFile(Fid fid) {
        Path p = volatileDir.resolve(fid.toString());
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
    }
}

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The simulated file system's metadata over a backing directory: every file and directory has a FID, kept in its
 * {@code trusted.lma}; HSM attributes live in {@code trusted.hsm}, the data version in {@code trusted.hsmsim.dv}. Only
 * this daemon writes them. Paths are relative to the file system root, "" being the root itself.
 *
 * <p>The FID-to-path index is kept in memory (rebuilt by a scan at start) and updated by the client mounts on create,
 * rename and unlink; it plays the MDT's link EA / OI for fid2path and {@code .lustre/fid}.
 */
public final class Namespace {
    public static final String LMA = "trusted.lma";
    public static final String HSM = "trusted.hsm";
    public static final String DATA_VERSION = "trusted.hsmsim.dv";
    /** First FID sequence handed to normal files, as on a fresh Lustre MDT0. */
    public static final long FIRST_SEQUENCE = 0x200000400L;

    private final Path backing;
    private final Path volatileDir;
    private final PersistentCounter oids;
    private final PersistentCounter dataVersions;
    private final Map<Fid, String> pathsByFid = new ConcurrentHashMap<>();
    private final Map<Fid, Integer> openWriters = new ConcurrentHashMap<>();

    public Namespace(Path backing, Path volatileDir, Path stateDir) throws IOException {
        this.backing = backing;
        this.volatileDir = volatileDir;
        Files.createDirectories(backing);
        Files.createDirectories(volatileDir);
        Files.createDirectories(stateDir);
        this.oids = new PersistentCounter(stateDir.resolve("last_oid"), 1);
        this.dataVersions = new PersistentCounter(stateDir.resolve("last_data_version"), 1);
        scan();
    }

    public Path backingRoot() {
        return backing;
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
                Fid fid = lma != null && lma.length >= 24 ? Fid.fromLma(lma) : assignFid(p);
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

    public Path backingPathOf(Fid fid) throws SimulatorException {
        return backingPath(pathOf(fid));
    }

    public boolean exists(Fid fid) {
        String rel = pathsByFid.get(fid);
        return rel != null && Files.exists(backingPath(rel), LinkOption.NOFOLLOW_LINKS);
    }

    /** Gives a newly created entry its FID and a zero data version. */
    public Fid onCreated(String rel) {
        Path p = backingPath(rel);
        try {
            Fid fid = assignFid(p);
            pathsByFid.put(fid, rel);
            return fid;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Fid assignFid(Path p) throws IOException {
        Fid fid = newFid();
        writeXattr(p, LMA, fid.toLma());
        return fid;
    }

    /** A FID never handed out before (also used for restore's volatile files). */
    public Fid newFid() {
        long oid = oids.next();
        // Lustre sequences hold 2^17 objects (LUSTRE_DATA_SEQ_MAX_WIDTH); step to the next sequence past that.
        long width = 0x20000L;
        return new Fid(FIRST_SEQUENCE + (oid / width), (int) (oid % width), 0);
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

    public HsmAttributes hsm(Fid fid) throws SimulatorException {
        return readHsm(backingPathOf(fid));
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
        writeXattrChecked(backingPathOf(fid), HSM, attrs.encode());
    }

    public long dataVersion(Fid fid) throws SimulatorException {
        return readDataVersion(backingPathOf(fid));
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
}

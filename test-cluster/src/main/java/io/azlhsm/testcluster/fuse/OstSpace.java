package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.FileLayout;
import io.azlhsm.testcluster.namespace.FileLayouts;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The simulated OSTs' space one by one, and the OST pools, as a client asks for them: {@code llapi_obd_statfs} with
 * LL_STATFS_LOV and an OST index (llite answers IOC_OBD_STATFS from that OST's statfs; {@code lfs df} loops over the
 * indexes until ENODEV) and {@code llapi_get_poolmembers} (which reads the client's
 * {@code lov/FSNAME-clilov-*}{@code /pools/POOL} file, one member UUID per line).
 *
 * <p>Pools are defined in {@code <root>/state/pools/POOL}, a file in that same format, one member OST UUID
 * ({@code FSNAME-OST0001_UUID}) per line: what {@code lctl pool_new} and {@code pool_add} on the MGS would leave in
 * the clients' pools files ({@code lctl pool_*} itself is not simulated).
 *
 * <p>Each OST has an equal share of the configured capacity ({@link SimulatedCapacity}; without one, an equal share
 * of the backing file system's figures), so the OSTs add up to what statfs of the mount reports. A file that is not
 * released occupies its data's blocks on the OSTs its layout stripes over: the members of its layout's pool when the
 * pool exists (else every OST, as the MDT allocates from all OSTs for an unknown pool, lod_lov.c 1846-1848), its
 * stripe count of them, blocks divided evenly. Not faithful: the MDT's allocator (lod_qos.c) spreads first stripes
 * over the OSTs by free space and round robin; here a file's stripes are always on the first of its candidate OSTs
 * in index order, so per-OST figures within a pool are lopsided, while a pool's and the file system's sums are
 * right.
 */
public final class OstSpace {
    private static final Pattern POOL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private final Namespace ns;
    private final String fsname;
    private final SimulatedCapacity capacity;

    public OstSpace(Namespace ns, String fsname) {
        this.ns = ns;
        this.fsname = fsname;
        this.capacity = new SimulatedCapacity(ns);
    }

    /** One OST's statfs: 4 KiB blocks, free and available (equal: no reserved space). */
    public record OstStatfs(String uuid, long blocks, long bfree, long bavail) {
    }

    public String uuid(int index) {
        return String.format("%s-OST%04x_UUID", fsname, index);
    }

    /** ENODEV for an index past the last OST, as llite answers it (lfs df stops there). */
    public OstStatfs statfs(int index) throws SimulatorException {
        if (index < 0 || index >= FileLayout.OST_COUNT) {
            throw new SimulatorException(Errno.ENODEV, "no OST index " + index);
        }
        try {
            long blocks;
            long free;
            Optional<Long> configured = capacity.configured();
            if (configured.isPresent()) {
                blocks = configured.get() / SimulatedCapacity.BLOCK / FileLayout.OST_COUNT;
                free = Math.max(0, blocks - usedBlocks()[index]);
            } else {
                FileStore store = Files.getFileStore(ns.backingRoot());
                blocks = store.getTotalSpace() / SimulatedCapacity.BLOCK / FileLayout.OST_COUNT;
                free = store.getUsableSpace() / SimulatedCapacity.BLOCK / FileLayout.OST_COUNT;
            }
            return new OstStatfs(uuid(index), blocks, free, free);
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
    }

    /** The member UUIDs of pool, as its pools file lists them; ENOENT for a pool the file system does not have. */
    public List<String> poolMembers(String pool) throws SimulatorException {
        if (!POOL_NAME.matcher(pool).matches()) {
            throw new SimulatorException(Errno.EINVAL, "bad pool name " + pool);
        }
        Path file = ns.stateDirectory().resolve("pools").resolve(pool);
        try {
            List<String> members = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    members.add(line.strip());
                }
            }
            return members;
        } catch (NoSuchFileException e) {
            throw new SimulatorException(Errno.ENOENT, "no pool " + fsname + "." + pool);
        } catch (IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
    }

    /** The OST indexes a file with this layout has its objects on (see the class comment). */
    int[] ostsOf(FileLayout layout) {
        List<Integer> candidates = new ArrayList<>();
        if (layout.pool() != null) {
            try {
                for (String member : poolMembers(layout.pool())) {
                    for (int i = 0; i < FileLayout.OST_COUNT; i++) {
                        if (member.equals(uuid(i))) {
                            candidates.add(i);
                        }
                    }
                }
            } catch (SimulatorException e) {
                candidates.clear(); // no such pool: every OST
            }
        }
        if (candidates.isEmpty()) {
            for (int i = 0; i < FileLayout.OST_COUNT; i++) {
                candidates.add(i);
            }
        }
        int stripes = Math.max(1, Math.min(layout.stripeCount(), candidates.size()));
        return candidates.stream().sorted().limit(stripes).mapToInt(Integer::intValue).toArray();
    }

    /** Blocks each OST holds: the data of files that are not released and of restores' volatile files. */
    long[] usedBlocks() throws IOException {
        long[] used = new long[FileLayout.OST_COUNT];
        Set<Object> seen = new HashSet<>();
        for (Path dir : List.of(ns.backingRoot(), ns.volatileDirectory())) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    add(p, seen, used);
                }
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    throw e.getCause();
                }
            } catch (NoSuchFileException e) {
                // no volatile directory yet
            }
        }
        return used;
    }

    private void add(Path p, Set<Object> seen, long[] used) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!a.isRegularFile() || (a.fileKey() != null && !seen.add(a.fileKey()))) {
            return;
        }
        int[] osts;
        try {
            if (Namespace.readHsm(p).has(HsmFlags.RELEASED)) {
                return;
            }
            Optional<FileLayout> layout = FileLayouts.of(p);
            osts = ostsOf(layout.orElse(FileLayout.DEFAULT));
        } catch (SimulatorException e) {
            return; // removed between the stat and the xattr read
        }
        long blocks = (a.size() + SimulatedCapacity.BLOCK - 1) / SimulatedCapacity.BLOCK;
        for (int i = 0; i < osts.length; i++) {
            used[osts[i]] += blocks / osts.length + (i < blocks % osts.length ? 1 : 0);
        }
    }
}

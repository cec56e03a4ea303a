package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cluster counters}: the FUSE requests the default mount served by opcode and the daemon's requests by verb,
 * which the import's cost per stub is measured with (README "Job memory"). Each counter must move by exactly what
 * was done through the mount, and only that one.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterCountersIT {

    private static long delta(Map<String, Long> before, Map<String, Long> after, String key) {
        return after.getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
    }

    @Test
    void countsEachFuseOpcodeAndDaemonVerbServed(Cluster cluster) throws Exception {
        Path dir = TestFiles.directory(cluster.mount(), "counters");
        Path file = TestFiles.create(dir.resolve("f"), 10);
        Map<String, Long> before = cluster.counters();

        Files.createDirectory(dir.resolve("d1"));
        Files.createDirectory(dir.resolve("d2"));
        try {
            Files.setAttribute(file, "user:none", new byte[0]); // SETXATTR
        } catch (java.io.IOException refused) {
            // without user_xattr the client refuses it (EOPNOTSUPP), but only after the request was served
        }
        cluster.lfs("hsm_state", file.toString()).out();
        cluster.lfs("hsm_state", file.toString()).out();
        Map<String, Long> after = cluster.counters();

        assertEquals(2, delta(before, after, "fuse.MKDIR"), "two mkdirs: " + before + " -> " + after);
        assertEquals(1, delta(before, after, "fuse.SETXATTR"), "one setxattr: " + before + " -> " + after);
        assertEquals(0, delta(before, after, "fuse.CREATE"), "no file created: " + before + " -> " + after);
        assertTrue(delta(before, after, "fuse.LOOKUP") >= 2, "each mkdir looks its name up: " + after);
        assertEquals(2, delta(before, after, "call.STATE_GET"), "two hsm_state: " + before + " -> " + after);
        assertTrue(delta(before, after, "call.COUNTERS") >= 1, "the first COUNTERS request counted: " + after);
    }

    /**
     * liblustreapi's calls by path (path2fid, hsm_state, hsm_action...) look the path up once, as llite's open by
     * path does for the ioctl: libhsmsim opens it O_PATH and names the file through /proc/self/fd. Before,
     * realpath(3) lstat'ed each component and getxattr(2) walked the path again: 5 LOOKUPs and 2 GETATTRs for a file
     * one directory down, where now the kernel's one walk asks 2 (the directory and the file) and 1.
     */
    @Test
    void aCallByPathLooksThePathUpOnce(Cluster cluster) throws Exception {
        Path dir = TestFiles.directory(cluster.mount(), "bypath");
        Path file = TestFiles.create(dir.resolve("f"), 10);
        String fid = cluster.lfs("path2fid", file.toString()).out().trim();
        Map<String, Long> before = cluster.counters();

        for (int i = 0; i < 5; i++) {
            assertEquals(fid, cluster.lfs("path2fid", file.toString()).out().trim());
        }
        Map<String, Long> after = cluster.counters();

        assertEquals(10, delta(before, after, "fuse.LOOKUP"), "two LOOKUPs a call: " + before + " -> " + after);
        assertEquals(5, delta(before, after, "fuse.GETXATTR"), "trusted.lma once a call: " + before + " -> " + after);
        assertTrue(delta(before, after, "fuse.GETATTR") <= 5, "a GETATTR a call at most: " + before + " -> " + after);
    }

    /**
     * .lustre and .lustre/fid never change, so the kernel keeps their entries and attributes (ConstantDirectories),
     * and a FID never names another object, so it keeps the entry of a FID too: a later open by FID looks nothing
     * up. A FID's attributes are still asked for at every use, so a FID whose file moved is still reached and one
     * whose file is gone is gone through .lustre/fid at once.
     */
    @Test
    void opensByFidLookUpNothingOnceTheFidIsKnown(Cluster cluster) throws Exception {
        Path dir = TestFiles.directory(cluster.mount(), "byfid");
        Path file = TestFiles.create(dir.resolve("f"), 10);
        String fid = cluster.lfs("path2fid", file.toString()).out().trim();
        Path byFid = cluster.mount().resolve(".lustre/fid/" + fid);
        assertEquals(10, Files.readAllBytes(byFid).length); // the first walk looks .lustre and fid up
        Map<String, Long> before = cluster.counters();

        for (int i = 0; i < 5; i++) {
            assertEquals(10, Files.readAllBytes(byFid).length);
        }
        Map<String, Long> after = cluster.counters();

        assertEquals(0, delta(before, after, "fuse.LOOKUP"), "no LOOKUP: " + before + " -> " + after);
        assertTrue(delta(before, after, "fuse.GETATTR") >= 5, "its attributes asked for: " + before + " -> " + after);
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cluster.mount().resolve(".lustre/fid"))));
        assertTrue(Files.isDirectory(cluster.mount().resolve(".lustre")));
        Path moved = Files.move(file, dir.resolve("moved"));
        assertEquals(10, Files.readAllBytes(byFid).length, "a moved file is still its FID");
        Files.delete(moved);
        assertTrue(Files.notExists(byFid), "a removed file's FID is gone at once");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Files.readAllBytes(byFid));
    }

    /**
     * A call by .lustre/fid/<FID> (how the jobs poll each requested file's HSM state) knows the FID from the name once
     * its lookup found the file: no trusted.lma read. A FID whose file is gone still fails, at the lookup.
     */
    @Test
    void aCallByFidPathReadsNoFidAttribute(Cluster cluster) throws Exception {
        Path dir = TestFiles.directory(cluster.mount(), "statebyfid");
        Path file = TestFiles.create(dir.resolve("f"), 10);
        String fid = cluster.lfs("path2fid", file.toString()).out().trim();
        String byFid = cluster.mount().resolve(".lustre/fid/" + fid).toString();
        String byBareFid = cluster.mount().resolve(".lustre/fid/" + fid.substring(1, fid.length() - 1)).toString();
        cluster.lfs("hsm_state", byFid).out(); // the first walk looks .lustre, fid and the FID up
        Map<String, Long> before = cluster.counters();

        for (int i = 0; i < 5; i++) {
            assertTrue(cluster.lfs("hsm_state", byFid).out().contains("(0x00000000)"), "its state by FID");
        }
        assertEquals(fid, cluster.lfs("path2fid", byBareFid).out().trim(), "a FID without brackets names it too");
        Map<String, Long> after = cluster.counters();

        assertEquals(0, delta(before, after, "fuse.GETXATTR"), "no trusted.lma read: " + before + " -> " + after);
        assertEquals(5, delta(before, after, "call.STATE_GET"), "five states asked: " + before + " -> " + after);
        Files.delete(file);
        var gone = cluster.lfs("hsm_state", byFid);
        assertTrue(!gone.ok() && gone.stderr().contains("No such file"), "a removed file's FID: " + gone.stderr());
    }

    private static int nlink(Path p) throws java.io.IOException {
        return (Integer) Files.getAttribute(p, "unix:nlink");
    }

    /**
     * The root's attributes are kept by the kernel (RootCoherence), so repeated stats of it are not asked for again;
     * yet a change of the root through another mount or through .lustre/fid shows at once, as on a Lustre client,
     * whose lock on the root is cancelled by such a change.
     */
    @Test
    void theRootIsKeptByTheKernelAndStaysCoherent(Cluster cluster) throws Exception {
        Path root = cluster.mount();
        Path other = cluster.addMount("rootcoherence");
        int links = nlink(root);
        Map<String, Long> before = cluster.counters();
        for (int i = 0; i < 5; i++) {
            assertEquals(links, nlink(root));
        }
        Map<String, Long> after = cluster.counters();
        assertTrue(delta(before, after, "fuse.GETATTR") < 5, "the root's attributes kept: " + before + " -> " + after);

        Files.createDirectory(other.resolve("coherent-d1"));
        assertEquals(links + 1, nlink(root), "a directory made through another mount");
        Path rootByFid = root.resolve(".lustre/fid/[0x200000007:0x1:0x0]");
        Files.createDirectory(rootByFid.resolve("coherent-d2"));
        assertEquals(links + 2, nlink(root), "a directory made through .lustre/fid of the root");
        Files.delete(other.resolve("coherent-d1"));
        Files.delete(root.resolve("coherent-d2"));
        assertEquals(links, nlink(root));
    }
}

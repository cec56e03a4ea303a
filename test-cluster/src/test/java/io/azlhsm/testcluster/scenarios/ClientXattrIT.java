package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.CommandResult;
import io.azlhsm.testcluster.namespace.Xattrs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Extended attributes as a Lustre client allows them (simulator behaviour; sanity-hsm has no test of its own):
 * user.* only on a mount with {@code -o user_xattr}, EOPNOTSUPP otherwise, root included; trusted.* for root only,
 * refused to other users by the kernel before the file system is asked; both kept across a restore's layout swap.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientXattrIT {
    private static final int NOBODY = 65534;

    private static Cluster cluster;
    private static Path userXattrMount;
    private Path dir;

    @BeforeAll
    static void start(Cluster c) {
        cluster = c;
        userXattrMount = c.addMount("mnt-user-xattr", "user_xattr");
        c.startPosixCopytool();
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
    }

    private Path onUserXattrMount(Path file) {
        return userXattrMount.resolve(cluster.mount().relativize(file));
    }

    @Test
    void a_default_mount_refuses_user_xattrs_even_to_root() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), 10);
        assertEquals(Errno.EOPNOTSUPP, assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.set(f, "user.k", new byte[] {1})).errno());
        assertEquals(Errno.EOPNOTSUPP, assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.get(f, "user.k")).errno());
        assertEquals(Errno.EOPNOTSUPP, assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.remove(f, "user.k")).errno());
        // set through a user_xattr mount, the same file still lists and reads without them here
        Xattrs.set(onUserXattrMount(f), "user.k", new byte[] {1});
        assertFalse(Xattrs.list(f).contains("user.k"), Xattrs.list(f).toString());
        assertEquals(Errno.EOPNOTSUPP, assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.get(f, "user.k")).errno());
    }

    @Test
    void a_user_xattr_mount_stores_lists_and_removes_them() throws Exception {
        Path f = onUserXattrMount(TestFiles.create(dir.resolve("f"), 10));
        Xattrs.set(f, "user.k", "v".getBytes());
        assertArrayEquals("v".getBytes(), Xattrs.get(f, "user.k"));
        assertTrue(Xattrs.list(f).contains("user.k"), Xattrs.list(f).toString());
        Xattrs.remove(f, "user.k");
        assertNull(Xattrs.get(f, "user.k"));
        // removexattr(2) of an absent name: ENODATA (Xattrs.remove would tolerate it)
        CommandResult again = cluster.runAs(0, "setfattr", "-x", "user.k", f.toString());
        assertTrue(!again.ok() && again.stderr().contains("No such attribute"), again.toString());
    }

    @Test
    void trusted_xattrs_are_stored_for_root_and_refused_to_other_users() throws Exception {
        Path f = TestFiles.create(dir.resolve("owned"), 10);
        Files.setAttribute(f, "unix:uid", NOBODY);
        Files.setAttribute(f, "unix:gid", NOBODY);
        Xattrs.set(f, "trusted.azlhsm.t", "root's".getBytes());
        assertArrayEquals("root's".getBytes(), Xattrs.get(f, "trusted.azlhsm.t"));
        List<String> listed = Xattrs.list(f);
        assertTrue(listed.contains("trusted.azlhsm.t") && listed.contains("trusted.lma"), listed.toString());
        assertFalse(listed.stream().anyMatch(n -> n.startsWith("trusted.hsmsim.")), "simulator state is hidden");

        // the owner, without CAP_SYS_ADMIN: the kernel refuses before FUSE is asked
        CommandResult set = cluster.runAs(NOBODY, "setfattr", "-n", "trusted.azlhsm.t", "-v", "forged", f.toString());
        assertFalse(set.ok(), set.toString());
        assertTrue(set.stderr().contains("Operation not permitted"), set.stderr());
        CommandResult remove = cluster.runAs(NOBODY, "setfattr", "-x", "trusted.azlhsm.t", f.toString());
        assertTrue(!remove.ok() && remove.stderr().contains("Operation not permitted"), remove.toString());
        CommandResult get = cluster.runAs(NOBODY, "getfattr", "-n", "trusted.azlhsm.t", f.toString());
        assertTrue(!get.ok() && get.stderr().contains("No such attribute"), get.toString());
        CommandResult dump = cluster.runAs(NOBODY, "getfattr", "-d", "-m", "-", f.toString());
        assertFalse(dump.stdout().contains("trusted."), "a listing shows other users no trusted.*: " + dump);
        assertArrayEquals("root's".getBytes(), Xattrs.get(f, "trusted.azlhsm.t"), "unchanged");

        assertEquals(Errno.EPERM, assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.set(f, "trusted.hsmsim.dv", new byte[8])).errno(), "the simulator's own state");
        String fid = cluster.fid(f);
        Xattrs.set(f, "trusted.lma", new byte[24]); // ignored, as Lustre's client does (cp -a)
        assertEquals(fid, cluster.fid(f));
    }

    /**
     * What the AMLFS hydrator's lemur mode does to each stub it imports (laaso/hydrator.py do_setxattr: XATTR_CREATE,
     * then XATTR_REPLACE after an EEXIST): root sets and reads trusted.lhsm_* on a released stub, and the flags hold
     * as on Lustre (EEXIST, ENODATA: the MDT passes them to the OSD, mdt_xattr.c:645-649).
     */
    @Test
    void root_sets_trusted_xattrs_on_a_released_stub_with_create_and_replace_flags() throws Exception {
        Path stub = cluster.importArchiveCopy("lhsm-" + dir.getFileName(), "stub data".getBytes(),
                dir.resolve("stub"));
        assertEquals(0x0d, cluster.flags(stub), "a released stub");
        Xattrs.set(stub, "trusted.lhsm_uuid", "az://c/d/stub".getBytes(), Xattrs.XATTR_CREATE);
        assertEquals(Errno.EEXIST, assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.set(stub, "trusted.lhsm_uuid", "again".getBytes(), Xattrs.XATTR_CREATE)).errno());
        Xattrs.set(stub, "trusted.lhsm_uuid", "az://c/d/stub2".getBytes(), Xattrs.XATTR_REPLACE);
        assertArrayEquals("az://c/d/stub2".getBytes(), Xattrs.get(stub, "trusted.lhsm_uuid"));
        assertEquals(Errno.ENODATA, assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.set(stub, "trusted.lhsm_url", "u".getBytes(), Xattrs.XATTR_REPLACE)).errno());
        assertNull(Xattrs.get(stub, "trusted.lhsm_url"));
        String fid = cluster.fid(stub);
        assertArrayEquals("az://c/d/stub2".getBytes(), Xattrs.get(cluster.mount().resolve(".lustre/fid/" + fid),
                "trusted.lhsm_uuid"), "read by FID, as lemur's agent reads it");
        assertEquals(0x0d, cluster.flags(stub), "still released: xattrs never restore");
        CommandResult other = cluster.runAs(NOBODY, "getfattr", "-n", "trusted.lhsm_uuid", stub.toString());
        assertTrue(!other.ok() && other.stderr().contains("No such attribute"), other.toString());
    }

    @Test
    void a_restore_keeps_the_files_trusted_and_user_xattrs() throws Exception {
        Path f = TestFiles.create(dir.resolve("swapped"), 4096);
        Xattrs.set(f, "trusted.azlhsm.archive", "record".getBytes());
        Xattrs.set(onUserXattrMount(f), "user.note", "kept".getBytes());
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        cluster.lfs("hsm_release", f.toString()).out();
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertArrayEquals("record".getBytes(), Xattrs.get(f, "trusted.azlhsm.archive"));
        assertArrayEquals("kept".getBytes(), Xattrs.get(onUserXattrMount(f), "user.note"));
    }
}

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

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File layouts: {@code lfs setstripe}/{@code getstripe} and the {@code lustre.lov} attribute with llite's and the
 * MDT's rules, and the layout's round trip through archive, release and restore with the posix copytool, which saves
 * lustre.lov beside its copy and sets it on the volatile file it begins with O_LOV_DELAY_CREATE, as lhsmtool_posix
 * does (sanity-hsm 12c, "Restore a file with stripe of 2", here also checking the layout after the restore).
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SanityHsmStripingIT {
    private static final int LOV_USER_MAGIC_V1 = 0x0BD10BD0;
    private static final int LOV_USER_MAGIC_V3 = 0x0BD30BD0;
    private static Cluster cluster;
    private Path dir;

    @BeforeAll
    static void startCopytool(Cluster c) {
        cluster = c;
        c.startPosixCopytool();
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
    }

    private String getstripe(String option, Path f) {
        return cluster.lfs("getstripe", option, f.toString()).out().trim();
    }

    @Test
    void setstripeGivesANewFileItsLayoutAndGetstripePrintsIt() throws Exception {
        Path f = dir.resolve("f");
        cluster.lfs("setstripe", "-c", "2", "-S", "2M", "-p", "fast", f.toString()).out();
        assertEquals("2", getstripe("-c", f));
        assertEquals("2097152", getstripe("-S", f));
        assertEquals("fast", getstripe("-p", f));
        assertEquals("raid0", getstripe("-L", f));
        assertEquals(f + "\nlmm_stripe_count:  2\nlmm_stripe_size:   2097152\nlmm_pattern:       raid0\n"
                + "lmm_layout_gen:    0\nlmm_stripe_offset: -1\nlmm_pool:          fast\n",
                cluster.lfs("getstripe", f.toString()).out());
        ByteBuffer lov = lov(f);
        assertEquals(48, lov.limit(), "a layout with a pool is a lov_user_md_v3");
        assertEquals(LOV_USER_MAGIC_V3, lov.getInt(0));
        assertEquals(0xffff, Short.toUnsignedInt(lov.getShort(30)), "a client reads the stripe offset as -1");
    }

    @Test
    void aFileWithoutALayoutOfItsOwnHasTheDefaultOne() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), 1000);
        assertEquals("1", getstripe("-c", f));
        assertEquals("1048576", getstripe("-S", f));
        assertEquals("", getstripe("-p", f));
        ByteBuffer lov = lov(f);
        assertEquals(32, lov.limit(), "a layout without a pool is a lov_user_md_v1");
        assertEquals(LOV_USER_MAGIC_V1, lov.getInt(0));
        assertTrue(Xattrs.list(f).contains("lustre.lov"), "llite lists lustre.lov for a file with a layout");
    }

    @Test
    void aFileThatHoldsDataKeepsItsLayout() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), 1000);
        CommandResult again = cluster.lfs("setstripe", "-c", "3", f.toString());
        assertFalse(again.ok(), again.toString());
        assertTrue(again.stderr().contains("stripe already set"), again.stderr());
        // cp -a, rsync and tar copy lustre.lov onto files that have a layout: llite makes that a success without
        // effect (xattr.c ll_setstripe_ea ignores -EEXIST)
        Xattrs.set(f, "lustre.lov", v1(4, 4 << 20));
        assertEquals("1", getstripe("-c", f));
    }

    @Test
    void theStripeCountIsAtMostTheOstCount() throws Exception {
        Path eight = dir.resolve("eight");
        Path all = dir.resolve("all");
        cluster.lfs("setstripe", "-c", "8", eight.toString()).out();
        cluster.lfs("setstripe", "-c", "-1", all.toString()).out();
        assertEquals("4", getstripe("-c", eight), "lod gives at most every OST");
        assertEquals("4", getstripe("-c", all), "-1 is every OST");
    }

    @Test
    void theMdtRefusesAStripeSizeThatIsNoMultipleOf64KiB() throws Exception {
        Path f = dir.resolve("f");
        Files.createFile(f);
        Xattrs.XattrException refused = assertThrows(Xattrs.XattrException.class,
                () -> Xattrs.set(f, "lustre.lov", v1(2, 100_000)));
        assertEquals(Errno.EINVAL, refused.errno(), refused.getMessage());
        Xattrs.set(f, "lustre.lov", v1(2, 192 << 10));
        assertEquals("196608", getstripe("-S", f));
    }

    @Test
    void test_12c_restore_a_file_with_stripe_of_2_and_its_layout() throws Exception {
        Path f = dir.resolve("f");
        cluster.lfs("setstripe", "-c", "2", "-S", "2M", f.toString()).out();
        Files.write(f, TestFiles.content("f", 5 << 20));
        String before = cluster.lfs("getstripe", f.toString()).out();
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals("raid0,released", getstripe("-L", f), "a released file's pattern says so");
        assertArrayEquals(TestFiles.content("f", 5 << 20), TestFiles.read(f)); // the read restores it
        assertEquals(0x9, cluster.flags(f));
        assertEquals(before, cluster.lfs("getstripe", f.toString()).out(), "the restored file has its layout back");
    }

    /** A lov_user_md_v1 as lfs setstripe sends it: RAID0, first OST left to the MDT. */
    private static byte[] v1(int count, int size) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, LOV_USER_MAGIC_V1).putInt(4, 1).putInt(24, size).putShort(28, (short) count)
                .putShort(30, (short) -1);
        return b.array();
    }

    private static ByteBuffer lov(Path f) throws Exception {
        byte[] raw = Xattrs.get(f, "lustre.lov");
        assertTrue(raw != null, "no lustre.lov on " + f);
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }
}

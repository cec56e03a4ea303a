package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.Copytool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm's changelog tests (220-227): the CL_HSM record of each HSM event, with flags = errno | event << 7 |
 * dirty << 10, read back with {@code lfs changelog} through llapi_changelog_* (records laid out by libhsmsim).
 */
@ExtendWith(ClusterExtension.class)
class SanityHsmChangelogIT {
    private static Cluster cluster;
    private static String user;
    private Path dir;

    @BeforeAll
    static void register(Cluster c) {
        cluster = c;
        String out = c.lctl("--device", c.mdt(), "changelog_register").out();
        assertTrue(out.matches(c.mdt() + ": Registered changelog userid 'cl\\d+'\n"), out);
        user = out.substring(out.indexOf('\'') + 1, out.lastIndexOf('\''));
        c.startPosixCopytool();
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
    }

    /** The changelog lines of one type about one FID. */
    private List<String> records(String type, String fid) {
        return cluster.lfs("changelog", cluster.mdt()).out().lines()
                .filter(l -> l.contains(type + " ") && l.contains(" t=" + fid)).toList();
    }

    private String lastFlags(String type, String fid) {
        List<String> r = records(type, fid);
        assertTrue(!r.isEmpty(), "no " + type + " record for " + fid);
        String line = r.get(r.size() - 1);
        return line.split("\\s+")[4]; // index, type, time, date, flags
    }

    private Path archived(String name) {
        Path f = TestFiles.create(dir.resolve(name), 1000);
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        return f;
    }

    @Test
    void test_220_changelog_for_archive() {
        Path f = archived("f");
        String fid = cluster.fid(f);
        assertEquals("0x0", lastFlags("16HSM", fid), "archive event, no error");
        String create = records("01CREAT", fid).get(0);
        assertTrue(create.endsWith(" p=" + cluster.fid(dir) + " f"), create);
    }

    @Test
    void test_222_changelog_for_explicit_restore() {
        Path f = archived("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_release", f.toString()).out();
        assertEquals("0x180", lastFlags("16HSM", fid), "release event");
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        assertEquals("0x80", lastFlags("16HSM", fid), "restore event");
    }

    @Test
    void test_224_changelog_for_remove() {
        Path f = archived("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_remove", f.toString()).out();
        cluster.awaitFlags(f, 0x0);
        assertEquals("0x200", lastFlags("16HSM", fid), "remove event");
    }

    @Test
    void test_226_changelog_for_last_rm_with_existing_archive() throws Exception {
        Path f = archived("f");
        String fid = cluster.fid(f);
        Path g = TestFiles.create(dir.resolve("g"), 10);
        String gfid = cluster.fid(g);
        Files.delete(f);
        Files.delete(g);
        assertEquals("0x3", lastFlags("06UNLNK", fid), "last link, archive exists");
        assertEquals("0x1", lastFlags("06UNLNK", gfid), "last link, no archive");
    }

    @Test
    void test_227_changelog_when_explicit_setting_of_hsm_flags() {
        Path f = TestFiles.create(dir.resolve("f"), 10);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_set", "--norelease", f.toString()).out();
        assertEquals("0x280", lastFlags("16HSM", fid), "state event");
    }

    @Test
    void dirty_flag_and_rename_records() throws Exception {
        Path f = archived("f");
        String fid = cluster.fid(f);
        Files.write(f, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        Path g = dir.resolve("g");
        Files.move(f, g);
        String rename = cluster.lfs("changelog", cluster.mdt()).out().lines()
                .filter(l -> l.contains("08RENME") && l.contains(" s=" + fid)).findFirst().orElseThrow();
        assertTrue(rename.contains(" p=" + cluster.fid(dir) + " g s=" + fid + " sp=" + cluster.fid(dir)), rename);
    }

    @Test
    void changelog_clear_purges_consumed_records() {
        Path f = TestFiles.create(dir.resolve("f"), 10);
        List<String> all = cluster.lfs("changelog", cluster.mdt()).out().lines().toList();
        long last = Long.parseLong(all.get(all.size() - 1).split(" ")[0]);
        cluster.lfs("changelog_clear", cluster.mdt(), user, Long.toString(last)).out();
        Cluster.await("records purged", Duration.ofSeconds(5),
                () -> cluster.lfs("changelog", cluster.mdt()).out().isEmpty());
        assertTrue(cluster.lfs("changelog_clear", cluster.mdt(), "cl999", "0").stderr().contains("No such file"));
        TestFiles.create(dir.resolve("after"), 10);
        String next = cluster.lfs("changelog", cluster.mdt()).out();
        assertTrue(next.startsWith((last + 1) + " 01CREAT "), next);
        assertTrue(f.toFile().exists());
    }
}

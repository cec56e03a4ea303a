package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.CommandResult;
import io.azlhsm.testcluster.harness.Copytool;
import io.azlhsm.testcluster.namespace.Xattrs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sanity-hsm's changelog tests (220-227): the CL_HSM record of each HSM event, with flags = errno | event << 7 |
 * dirty << 10, read back with {@code lfs changelog} through llapi_changelog_* (records laid out by libhsmsim).
 */
@ExtendWith(ClusterExtension.class)
class SanityHsmChangelogIT {
    private static Cluster cluster;
    private static Copytool copytool;
    private static String user;
    private Path dir;

    @BeforeAll
    static void register(Cluster c) {
        cluster = c;
        String out = c.lctlOnMds("--device", c.mdt(), "changelog_register").out();
        assertTrue(out.matches(c.mdt() + ": Registered changelog userid 'cl\\d+'\n"), out);
        user = out.substring(out.indexOf('\'') + 1, out.lastIndexOf('\''));
        copytool = c.startPosixCopytool();
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        assertTrue(copytool.isAlive(), copytool.log());
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

    /** The flags of every CL_HSM record about fid, oldest first (sanity-hsm's changelog_find -type HSM -target-fid). */
    private List<String> hsmFlags(String fid) {
        return records("16HSM", fid).stream().map(l -> l.split("\\s+")[4]).toList();
    }

    private void awaitHsmRecord(String fid, String flags) {
        Cluster.await("CL_HSM " + flags + " of " + fid, Duration.ofSeconds(20), () -> hsmFlags(fid).contains(flags),
                () -> "CL_HSM flags " + hsmFlags(fid) + "; actions:\n" + cluster.getParam("actions"));
    }

    /** sanity-hsm's copy2archive + "copytool import": an archive copy made outside Lustre, imported as a stub. */
    private Path imported(String name, int size) {
        Path f = cluster.importArchiveCopy(dir.getFileName() + "-" + name, TestFiles.content(name, size),
                dir.resolve(name));
        assertEquals(0xd, cluster.flags(f), "imported: released exists archived");
        return f;
    }

    /** sanity-hsm 222a: the explicit restore of an imported file logs HE_RESTORE without error (0x80). */
    @Test
    void test_222a_changelog_for_explicit_restore() throws Exception {
        Path f = imported("f", 1000);
        String fid = cluster.fid(f);
        cluster.lfs("hsm_restore", f.toString()).out();
        cluster.awaitActionStatus(fid, "RESTORE", "SUCCEED");
        awaitHsmRecord(fid, "0x80");
    }

    /** sanity-hsm 222b: a read of a released file restores it implicitly, and that restore logs 0x80 too. */
    @Test
    void test_222b_changelog_for_implicit_restore() {
        Path f = archived("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_release", f.toString()).out();
        assertArrayEquals(TestFiles.content("f", 1000), TestFiles.read(f)); // md5sum $f
        cluster.awaitActionStatus(fid, "RESTORE", "SUCCEED");
        awaitHsmRecord(fid, "0x80");
    }

    /**
     * sanity-hsm 222d: the implicit restore of a file whose archive copy is gone fails with ENOENT (HE_RESTORE|ENOENT:
     * 0x82) and the read gets an error.
     */
    @Test
    void test_222d_changelog_for_failed_implicit_restore() throws Exception {
        Path f = archived("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_release", f.toString()).out();
        Files.delete(cluster.archiveCopy(fid)); // copytool_remove_backend
        assertThrows(IOException.class, () -> TestFiles.readOrThrow(f), "the read of a file that cannot be restored");
        cluster.awaitActionStatus(fid, "RESTORE", "FAILED");
        awaitHsmRecord(fid, "0x82");
    }

    /** sanity-hsm 224A (was 224): hsm_remove logs HE_REMOVE (0x200). */
    @Test
    void test_224A_changelog_for_remove() {
        Path f = archived("f");
        String fid = cluster.fid(f);
        cluster.lfs("hsm_remove", f.toString()).out();
        cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
        cluster.awaitFlags(f, 0x0);
        awaitHsmRecord(fid, "0x200");
    }

    /**
     * sanity-hsm 224a: a REMOVE sent to a suspended copytool, of a file then unlinked and whose archive copy is already
     * gone, fails with ENOENT once the copytool goes on (HE_REMOVE|ENOENT: 0x202).
     */
    @Test
    void test_224a_changelog_for_failed_remove() throws Exception {
        Path f = archived("f");
        String fid = cluster.fid(f);
        Files.delete(cluster.archiveCopy(fid)); // copytool_remove_backend
        copytool.suspend();
        try {
            cluster.lfs("hsm_remove", f.toString()).out();
            cluster.awaitActionStatus(fid, "REMOVE", "STARTED");
            Files.delete(f);
        } finally {
            copytool.resume();
        }
        cluster.awaitActionStatus(fid, "REMOVE", "FAILED");
        awaitHsmRecord(fid, "0x202");
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

    /** The lines of every record after index {@code after}. */
    private List<String> since(long after) {
        return cluster.lfs("changelog", cluster.mdt(), Long.toString(after + 1)).out().lines().toList();
    }

    private long lastIndex() {
        List<String> all = cluster.lfs("changelog", cluster.mdt()).out().lines().toList();
        return all.isEmpty() ? 0 : Long.parseLong(all.get(all.size() - 1).split(" ")[0]);
    }

    /** The one line of type (e.g. "14SATTR") with target fid; its fields after the time: flags, t=, p=... */
    private static String only(List<String> lines, String type, String fid) {
        List<String> found = lines.stream().filter(l -> l.contains(" " + type + " ") && l.contains(" t=" + fid))
                .toList();
        assertEquals(1, found.size(), type + " records of " + fid + " in\n" + String.join("\n", lines));
        String[] f = found.get(0).split(" ", 5); // index, type, time, date, the rest
        return f[4];
    }

    @Test
    void client_operations_produce_their_records() throws Exception {
        long start = lastIndex();
        String dirFid = cluster.fid(dir);
        Path d = Files.createDirectory(dir.resolve("d"));
        Path f = dir.resolve("f");
        Files.write(f, new byte[] {1, 2, 3});
        Path h = Files.createLink(dir.resolve("h"), f);
        Files.createSymbolicLink(dir.resolve("s"), Path.of("f"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
        Xattrs.set(f, "trusted.k", new byte[] {7}); // a default mount has no user.* xattrs
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(1);
        }
        Path old = TestFiles.create(dir.resolve("old"), 10);
        String fid = cluster.fid(f);
        String dFid = cluster.fid(d);
        String oldFid = cluster.fid(old);
        Files.move(f, old, java.nio.file.StandardCopyOption.ATOMIC_MOVE); // rename(2) over old
        Files.delete(h);
        Files.delete(old);
        Files.delete(d);
        List<String> lines = since(start);

        assertEquals("0x0 t=" + dFid + " p=" + dirFid + " d", only(lines, "02MKDIR", dFid));
        assertEquals("0x0 t=" + fid + " p=" + dirFid + " f", only(lines, "01CREAT", fid));
        assertEquals("0x0 t=" + fid + " p=" + dirFid + " h", only(lines, "03HLINK", fid));
        // the symlink's own FID (path2fid would follow the link): the one SLINK record names it
        String slink = lines.stream().filter(l -> l.contains(" 04SLINK ")).findFirst().orElseThrow();
        String sFid = slink.substring(slink.indexOf(" t=") + 3, slink.indexOf(' ', slink.indexOf(" t=") + 1));
        assertTrue(!sFid.equals(fid) && slink.endsWith(" 0x0 t=" + sFid + " p=" + dirFid + " s"), slink);
        assertEquals("0x0 t=" + fid, only(lines, "14SATTR", fid));
        assertEquals("0x0 t=" + fid, only(lines, "15XATTR", fid));
        assertEquals("0x0 t=" + fid, only(lines, "13TRUNC", fid));
        // the rename overwrote old, its last name: tfid old, RENAME_LAST; source FID, old parent and old name
        assertEquals("0x1 t=" + oldFid + " p=" + dirFid + " old s=" + fid + " sp=" + dirFid + " f",
                only(lines, "08RENME", oldFid));
        List<String> unlinks = lines.stream().filter(l -> l.contains(" 06UNLNK ")).map(l -> l.split(" ", 5)[4])
                .toList();
        assertEquals(List.of("0x0 t=" + fid + " p=" + dirFid + " h", "0x1 t=" + fid + " p=" + dirFid + " old"),
                unlinks, "a name that is not the last, then the last");
        assertEquals("0x1 t=" + dFid + " p=" + dirFid + " d", only(lines, "07RMDIR", dFid));

        // writes: MTIME then CLOSE (O_WRONLY|O_CREAT: FMODE_WRITE 0x2 | 0x40) at the close of the creating open
        List<String> ofFile = lines.stream().filter(l -> l.contains(" t=" + fid)).map(l -> l.split(" ")[1]).toList();
        assertEquals(List.of("01CREAT", "17MTIME", "11CLOSE", "03HLINK", "14SATTR", "17MTIME", "15XATTR", "13TRUNC",
                "11CLOSE", "06UNLNK", "06UNLNK"), ofFile, String.join("\n", lines));
        String firstClose = lines.stream().filter(l -> l.contains("11CLOSE") && l.contains(" t=" + fid)).findFirst()
                .orElseThrow();
        assertEquals("0x42", firstClose.split(" ")[4], firstClose);
    }

    @Test
    void unlink_flags_name_the_last_link_and_an_archive_copy() throws Exception {
        Path f = archived("f");
        String fid = cluster.fid(f);
        Path h = Files.createLink(dir.resolve("h"), f);
        long start = lastIndex();
        Files.delete(h);
        Files.delete(f);
        List<String> unlinks = since(start).stream().filter(l -> l.contains("06UNLNK")).toList();
        assertEquals(2, unlinks.size(), String.join("\n", unlinks));
        assertTrue(unlinks.get(0).contains(" 0x0 t=" + fid) && unlinks.get(0).endsWith(" h"), unlinks.get(0));
        assertTrue(unlinks.get(1).contains(" 0x3 t=" + fid) && unlinks.get(1).endsWith(" f"), unlinks.get(1));
    }

    @Test
    void records_survive_a_coordinator_restart_until_cleared() {
        Path f = TestFiles.create(dir.resolve("f"), 10);
        String fid = cluster.fid(f);
        String before = cluster.lfs("changelog", cluster.mdt()).out();
        assertTrue(before.contains(" t=" + fid), before);
        cluster.restartCoordinator();
        try {
            assertEquals(before, cluster.lfs("changelog", cluster.mdt()).out());
            TestFiles.create(dir.resolve("g"), 10);
            long last = lastIndex();
            assertTrue(cluster.lfs("changelog", cluster.mdt()).out().contains(" t=" + cluster.fid(dir.resolve("g"))));
            cluster.lfs("changelog_clear", cluster.mdt(), user, Long.toString(last)).out();
            assertEquals("", cluster.lfs("changelog", cluster.mdt()).out());
        } finally {
            copytool = cluster.startPosixCopytool(); // the restart stopped the class's copytool
        }
    }

    /**
     * Registering a changelog user is an MDS command: Lustre builds lctl's changelog_register and
     * changelog_deregister only with server support (lustre/utils/obd.c), and a client's lctl refuses them.
     */
    @Test
    void changelog_register_and_deregister_work_only_on_the_mds() {
        for (String[] command : new String[][] {{"--device", cluster.mdt(), "changelog_register"},
                {"--device", cluster.mdt(), "changelog_deregister", user}}) {
            CommandResult client = cluster.lctl(command);
            assertEquals(95, client.exitCode(), client.toString()); // EOPNOTSUPP, as lctl returns -rc
            assertEquals("error: " + command[2] + ": invalid ioctl\n", client.stderr());
            assertEquals("", client.stdout());
        }
        // the user is still there: a client may clear it
        cluster.lfs("changelog_clear", cluster.mdt(), user, "0").out();
        String other = cluster.registerChangelogUser(cluster.mdt());
        assertEquals(cluster.mdt() + ": Deregistered changelog user #" + other.substring(2) + "\n",
                cluster.lctlOnMds("--device", cluster.mdt(), "changelog_deregister", other).out());
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

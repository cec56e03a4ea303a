package io.azlhsm.copytool.agent;

import static io.azlhsm.copytool.agent.AgentTestBed.ARCHIVED;
import static io.azlhsm.copytool.agent.AgentTestBed.RELEASED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a file's owner, without root, can do against another user's archived data: nothing. The archive record is
 * root-only, so they cannot rewrite or remove it; with it, a {@code file_id} on their restore request is ignored;
 * without it (a file archived by another tool), a blob whose FID metadata names another file is refused, and their
 * file stays released without a foreign byte. A {@code user.azlhsm.archive} they forge is never read. All on a
 * default mount (no user_xattr), where the agent does its work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveRecordTrustIT {
    private static final int USER = 65534;
    private static final long SIZE = (1 << 20) + 7;
    private static final Duration SHORT = Duration.ofSeconds(60);

    private Cluster cluster;
    private AzuriteServer azurite;
    private AgentTestBed bed;
    private final ArchiveRecordStore records = new ArchiveRecordStore();

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        cluster = Cluster.start();
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                archive.1.type = azure
                archive.1.container = trust
                archive.1.prefix = fs1/
                archive.1.connection_string = %s
                """.formatted(azurite.connectionString()));
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    /** Another user's secret: root's, mode 0600, archived. */
    private Path victim(String name) throws Exception {
        Path file = bed.write("trust/" + name, SIZE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, SHORT);
        return file;
    }

    /** A file of the unprivileged user's (of the victim's size) and its content's MD5. */
    private record Owned(Path file, byte[] md5) {
    }

    /** The user's file, archived (by an administrator) and released. */
    private Owned usersReleased(String name) throws Exception {
        Path file = bed.write("trust/" + name, SIZE);
        Files.setAttribute(file, "unix:uid", USER);
        Files.setAttribute(file, "unix:gid", USER);
        byte[] md5 = AgentTestBed.md5(file);
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, SHORT);
        bed.release(file);
        return new Owned(file, md5);
    }

    private CommandResult restoreAsUser(Path file, String data) {
        return cluster.lfsAs(USER, "hsm_restore", "--data", data, file.toString());
    }

    @Test
    void theOwnerCannotRewriteOrRemoveTheRecordOfTheirFile() throws Exception {
        Path file = bed.write("trust/owned.dat", SIZE);
        Files.setAttribute(file, "unix:uid", USER);
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, SHORT);
        ArchiveRecord record = records.read(file).orElseThrow();

        CommandResult rewrite = cluster.runAs(USER, "setfattr", "-n", ArchiveRecord.XATTR_NAME, "-v",
                "version=1\narchive_id=1\nblob=fs1/trust/elsewhere\n", file.toString());
        assertTrue(!rewrite.ok() && rewrite.stderr().contains("Operation not permitted"), rewrite.toString());
        CommandResult remove = cluster.runAs(USER, "setfattr", "-x", ArchiveRecord.XATTR_NAME, file.toString());
        assertTrue(!remove.ok() && remove.stderr().contains("Operation not permitted"), remove.toString());
        CommandResult read = cluster.runAs(USER, "getfattr", "-n", ArchiveRecord.XATTR_NAME, file.toString());
        assertFalse(read.ok(), "the record is not even readable to them: " + read);
        // nor can they leave an old-style record: a default Lustre mount has no user xattrs
        CommandResult forge = cluster.runAs(USER, "setfattr", "-n", "user.azlhsm.archive", "-v", "x",
                file.toString());
        assertTrue(!forge.ok() && forge.stderr().contains("Operation not supported"), forge.toString());

        assertEquals(record, records.read(file).orElseThrow(), "the record is unchanged");
    }

    @Test
    void withItsRecordAFilesRestoreIgnoresTheFileIdOfTheRequest() throws Exception {
        Path secret = victim("secret-a.dat");
        Owned mine = usersReleased("mine-a.dat");

        CommandResult asked = restoreAsUser(mine.file(), "{\"file_id\":\"fs1/trust/secret-a.dat\"}");
        assertTrue(asked.ok(), asked.toString());
        bed.awaitFlags(mine.file(), ARCHIVED, SHORT);
        assertArrayEquals(mine.md5(), AgentTestBed.md5(mine.file()), "their file got its own bytes back");
        assertFalse(java.util.Arrays.equals(AgentTestBed.md5(secret), mine.md5()));
    }

    @Test
    void withoutARecordAnotherFilesBlobIsRefusedAndTheFileStaysReleased() throws Exception {
        victim("secret-b.dat");
        Owned mineB = usersReleased("mine-b.dat");
        Path byFileId = mineB.file();
        // found by its current path: their file now has the name under which the victim's blob was archived
        Path movedVictim = victim("secret-c.dat");
        Files.move(movedVictim, movedVictim.resolveSibling("secret-c-moved.dat"));
        Path byPath = usersReleased("mine-c.dat").file();
        Path renamed = Files.move(byPath, byPath.resolveSibling("secret-c.dat"));
        // as if another tool had archived them: root removes the records
        for (Path file : List.of(byFileId, renamed)) {
            assertTrue(ExtendedAttributes.remove(file, ArchiveRecord.XATTR_NAME));
        }

        try (LogWatch log = new LogWatch()) {
            assertTrue(restoreAsUser(byFileId, "{\"file_id\":\"fs1/trust/secret-b.dat\"}").ok());
            assertTrue(cluster.lfsAs(USER, "hsm_restore", renamed.toString()).ok());
            String fidB = cluster.fid(byFileId);
            String fidC = cluster.fid(renamed);
            cluster.awaitActionStatus(fidB, "RESTORE", "FAILED");
            cluster.awaitActionStatus(fidC, "RESTORE", "FAILED");
            log.await("blob fs1/trust/secret-b.dat (found by request data file_id) was archived from another file",
                    SHORT);
            log.await("blob fs1/trust/secret-c.dat (found by current path) was archived from another file", SHORT);
            assertTrue(log.contains(fidB) && log.contains(fidC));
        }
        assertEquals(RELEASED, cluster.flags(byFileId));
        assertEquals(RELEASED, cluster.flags(renamed));

        // its own blob (its own FID) still restores it, byte for byte: nothing foreign was written
        bed.lfs("hsm_restore", List.of(byFileId), "--data", "{\"file_id\":\"fs1/trust/mine-b.dat\"}");
        bed.awaitFlags(byFileId, ARCHIVED, SHORT);
        assertArrayEquals(mineB.md5(), AgentTestBed.md5(byFileId));
    }

    @Test
    void aForgedUserRecordIsNeverRead() throws Exception {
        victim("secret-d.dat");
        Owned owned = usersReleased("mine-d.dat");
        Path mine = owned.file();
        assertTrue(ExtendedAttributes.remove(mine, ArchiveRecord.XATTR_NAME));
        // an older version's record, forged by the owner through a client that allows user xattrs
        Path userXattrMount = cluster.addMount("mnt-user-xattr", "user_xattr");
        Path forgedPath = userXattrMount.resolve(cluster.mount().relativize(mine));
        String forged = new ArchiveRecord(1, "fs1/trust/secret-d.dat", null, null, 0).encode();
        CommandResult forge = cluster.runAs(USER, "setfattr", "-n", "user.azlhsm.archive", "-v", forged,
                forgedPath.toString());
        assertTrue(forge.ok(), forge.toString());

        bed.restore(mine);
        bed.awaitFlags(mine, ARCHIVED, SHORT);
        assertArrayEquals(owned.md5(), AgentTestBed.md5(mine), "restored from its own path, not the forged blob");
    }
}

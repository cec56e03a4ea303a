package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The copytool's changelog binding reads what a client mount of the simulated cluster records, through libhsmsim's
 * llapi_changelog_* (records laid out in C): every client record type, a rename's source FIDs and old name, the jobid
 * and extra-flags extensions the reader asks for, and clearing.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChangelogReaderIT {

    @Test
    void readsEveryClientRecordAndClears(Cluster cluster) throws Exception {
        String user = cluster.registerChangelogUser(cluster.mdt()); // as the administrator does on the MDS
        LustreLibrary library = LustreLibrary.load(
                TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString());
        LustreFids fids = new LustreFids(library);

        Path dir = Files.createDirectory(cluster.mount().resolve("cl"));
        Path f = dir.resolve("f");
        Files.write(f, new byte[] {1, 2, 3});
        Files.createLink(dir.resolve("h"), f);
        Files.createSymbolicLink(dir.resolve("s"), Path.of("f"));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ExtendedAttributes.set(f, "trusted.k", new byte[] {1}); // a default mount has no user.* xattrs
        LuFid fid = fids.path2fid(f);
        LuFid dirFid = fids.path2fid(dir);
        Files.move(f, dir.resolve("g"), StandardCopyOption.ATOMIC_MOVE);
        Files.delete(dir.resolve("h"));
        Files.delete(dir.resolve("g"));

        List<ChangelogRecord> records = new ArrayList<>();
        try (ChangelogReader reader = ChangelogReader.start(library, cluster.mdt(),
                ChangelogFlags.BLOCK | ChangelogFlags.JOBID | ChangelogFlags.EXTRA_FLAGS, 0)) {
            for (Optional<ChangelogRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
                records.add(r.get());
            }
        }
        List<ChangelogRecordType> types = records.stream().filter(r -> r.targetFid().equals(fid))
                .map(ChangelogRecord::type).toList();
        assertEquals(List.of(ChangelogRecordType.CREATE, ChangelogRecordType.MTIME, ChangelogRecordType.CLOSE,
                ChangelogRecordType.HARDLINK, ChangelogRecordType.SETATTR, ChangelogRecordType.SETXATTR,
                ChangelogRecordType.UNLINK, ChangelogRecordType.UNLINK), types);

        ChangelogRecord create = records.stream().filter(r -> r.type() == ChangelogRecordType.CREATE
                && r.targetFid().equals(fid)).findFirst().orElseThrow();
        assertEquals(dirFid, create.parentFid());
        assertEquals("f", create.name());
        assertTrue(create.jobId().isPresent() && create.extraFlags().equals(Optional.of(0L)), create.toString());

        ChangelogRecord rename = records.stream().filter(r -> r.type() == ChangelogRecordType.RENAME).findFirst()
                .orElseThrow();
        assertEquals(Optional.of(fid), rename.sourceFid());
        assertEquals(Optional.of(dirFid), rename.sourceParentFid());
        assertEquals("g", rename.name());
        assertEquals(Optional.of("f"), rename.sourceName());
        assertEquals(new LuFid(0, 0, 0), rename.targetFid(), "nothing was overwritten");

        ChangelogRecord lastUnlink = records.stream().filter(r -> r.type() == ChangelogRecordType.UNLINK)
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("g", lastUnlink.name());
        assertEquals(ChangelogFlags.CLF_UNLINK_LAST, lastUnlink.typeFlags());
        assertTrue(records.stream().anyMatch(r -> r.type() == ChangelogRecordType.SOFTLINK && r.name().equals("s")));
        assertTrue(records.stream().anyMatch(r -> r.type() == ChangelogRecordType.MKDIR && r.name().equals("cl")));

        long last = records.get(records.size() - 1).index();
        ChangelogReader.clear(library, cluster.mdt(), user, last);
        try (ChangelogReader reader = ChangelogReader.start(library, cluster.mdt(), ChangelogFlags.BLOCK, 0)) {
            assertEquals(Optional.empty(), reader.next(), "cleared records are gone");
        }
    }
}

package io.azlhsm.copytool.jobs.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.lustre.LustreLibrary;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The walk reaches each entry through its directory's descriptor, so a job's calls about a file deep in a tree look
 * up the file's own name and not every directory above it again: each name looked up is a request the Lustre client
 * may send the MDS (a FUSE LOOKUP of the simulated mount, counted by the daemon).
 */
class NamespaceWalkerIT {
    private static final int FILES = 40;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFileFourDirectoriesDownCostsOneLookupOfItsOwnNamePerCall() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path deep = Files.createDirectories(cluster.mount().resolve("a/b/c/d"));
            for (int i = 0; i < FILES; i++) {
                Files.writeString(deep.resolve("f" + i), "file " + i);
            }
            LustreLibrary library = LustreLibrary.load(
                    TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString());
            HsmFiles hsm = new HsmFiles(library);
            LustreFids fids = new LustreFids(library);
            Map<Path, LuFid> seen = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            Map<String, Long> before = cluster.counters();
            new NamespaceWalker(cluster.mount()).walk(cluster.mount().resolve("a"), new NamespaceVisitor() {
                @Override
                public void file(Path file, Path access, BasicFileAttributes attributes) throws Exception {
                    // what export and prefetch ask of every file they consider
                    hsm.state(access);
                    seen.put(file, fids.path2fid(access));
                }

                @Override
                public void failed(Path path, IOException cause) {
                    failures.add(path + ": " + cause);
                }
            });
            Map<String, Long> after = cluster.counters();
            assertEquals(List.of(), failures);
            assertEquals(FILES, seen.size(), seen.toString());
            for (Map.Entry<Path, LuFid> e : seen.entrySet()) {
                assertEquals(fids.path2fid(e.getKey()), e.getValue(), "the walk's path reached " + e.getKey());
            }
            // Per file: its stat, its HSM state and its FID, each a LOOKUP of the file's name alone (the kernel keeps
            // no entry: it asks again for each call); and a few for the directories. Before, each of the three named
            // a/b/c/d/fN from the mount: five LOOKUPs each, 15 per file.
            long lookups = after.getOrDefault("fuse.LOOKUP", 0L) - before.getOrDefault("fuse.LOOKUP", 0L);
            assertTrue(lookups <= 3L * FILES + 12, "LOOKUPs: " + lookups + " for " + FILES + " files");
        }
    }

}

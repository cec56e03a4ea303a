package io.azlhsm.copytool.jobs.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.lustre.HeldFile;
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
                public void file(Path file, HeldFile held, BasicFileAttributes attributes) throws Exception {
                    // what export and prefetch ask of every file they consider
                    hsm.state(held.path());
                    seen.put(file, fids.fd2fid(held.fd()));
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
            // Per file: one LOOKUP of its own name, by the O_PATH open that holds it for the visit; its stat, its HSM
            // state and its FID then go through the descriptor, with no lookup (a GETATTR, the STATE_GET call and
            // two GETXATTRs of trusted.lma). Before, each of the three looked the name up again, with a GETATTR of
            // its directory: 128 LOOKUPs and 182 GETATTRs for these 40 files, now 48 and 102; and before the walk
            // held directories, each named a/b/c/d/fN from the mount: 15 LOOKUPs per file.
            Map<String, Long> requests = Cluster.difference(before, after);
            long lookups = requests.getOrDefault("fuse.LOOKUP", 0L);
            long getattrs = requests.getOrDefault("fuse.GETATTR", 0L);
            assertTrue(lookups <= FILES + 12, "LOOKUPs: " + lookups + " for " + FILES + " files: " + requests);
            assertTrue(getattrs <= 3L * FILES + 12, "GETATTRs: " + getattrs + " for " + FILES + " files: " + requests);
            assertEquals(FILES, requests.getOrDefault("call.STATE_GET", 0L), requests.toString());
        }
    }
}

package io.azlhsm.testcluster.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many readers of released files, as an application fanning out over a data set: every reader gets the right bytes,
 * and readers of one file share one implicit RESTORE (the client's layout lock), so 16 readers of 8 files cause
 * exactly 8 restores.
 */
@ExtendWith(ClusterExtension.class)
class ImplicitRestoreConcurrencyIT {
    private static final int FILES = 8;
    private static final int READERS_PER_FILE = 2;
    private static final int SIZE = 3 * 1024 * 1024 + 17;

    @Test
    void sixteenReadersOfEightReleasedFilesReadTheRightBytesWithEightRestores(Cluster cluster) throws Exception {
        // A slow copytool keeps each restore running while the second reader of its file arrives.
        cluster.startPosixCopytool("--bandwidth", "8");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            files.add(TestFiles.create(cluster.mount().resolve("fanout/f" + i), SIZE));
        }
        List<String> archive = new ArrayList<>(List.of("hsm_archive"));
        files.forEach(f -> archive.add(f.toString()));
        assertEquals(0, cluster.lfs(archive.toArray(String[]::new)).exitCode());
        for (Path file : files) {
            cluster.awaitFlags(file, 0x09);
        }
        List<String> release = new ArrayList<>(List.of("hsm_release"));
        files.forEach(f -> release.add(f.toString()));
        assertEquals(0, cluster.lfs(release.toArray(String[]::new)).exitCode());
        long restoresBefore = restores(cluster);

        ExecutorService readers = Executors.newFixedThreadPool(FILES * READERS_PER_FILE);
        try {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int r = 0; r < READERS_PER_FILE; r++) {
                for (Path file : files) {
                    reads.add(readers.submit(() -> TestFiles.read(file)));
                }
            }
            for (int i = 0; i < reads.size(); i++) {
                Path file = files.get(i % FILES);
                assertArrayEquals(TestFiles.content(file.getFileName().toString(), SIZE),
                        reads.get(i).get(120, TimeUnit.SECONDS), file + " read wrong bytes");
            }
        } finally {
            readers.shutdownNow();
        }
        for (Path file : files) {
            assertEquals(0x09, cluster.flags(file));
        }
        assertEquals(FILES, restores(cluster) - restoresBefore, cluster.getParam("actions"));
    }

    /** RESTORE records in the coordinator's action log (kept for grace_delay after they end). */
    private static long restores(Cluster cluster) {
        return cluster.getParam("actions").lines().filter(line -> line.contains("action=RESTORE")).count();
    }
}

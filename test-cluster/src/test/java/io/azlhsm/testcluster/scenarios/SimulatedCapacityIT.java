package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The configurable capacity: statfs on the client reports the configured size as the OSTs' and, as used, the data of
 * the files that are not released (a release frees its blocks, a restore takes them again), as a Lustre client's
 * statfs reports the OSTs' space.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimulatedCapacityIT {
    private static final long CAPACITY = 64L << 20;
    private Cluster cluster;

    @AfterEach
    void clear() {
        if (cluster != null) {
            cluster.clearCapacity();
        }
    }

    /** Used bytes as statfs(2) reports them through the mount: (f_blocks - f_bfree) x f_frsize. */
    private static long used(FileStore store) throws IOException {
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    @Test
    void statfsReportsTheConfiguredCapacityAndTheDataOfFilesNotReleased(Cluster c) throws Exception {
        cluster = c;
        cluster.startPosixCopytool();
        Path dir = TestFiles.directory(cluster.mount(), "capacity");
        cluster.setCapacity(CAPACITY);
        FileStore store = Files.getFileStore(cluster.mount());
        assertEquals(CAPACITY, store.getTotalSpace(), "f_blocks x f_frsize");
        long before = used(store);

        Path file = TestFiles.create(dir.resolve("f"), 100_000); // 25 blocks of 4 KiB
        byte[] content = Files.readAllBytes(file);
        assertEquals(before + 25 * 4096, used(store), "used after writing 100,000 bytes");
        assertEquals(store.getUnallocatedSpace(), store.getUsableSpace(), "f_bavail = f_bfree");

        cluster.lfs("hsm_archive", file.toString()).out();
        cluster.awaitFlags(file, 0x9);
        assertEquals(before + 25 * 4096, used(store), "an archived file keeps its data");
        cluster.lfs("hsm_release", file.toString()).out();
        assertEquals(0xd, cluster.flags(file));
        assertEquals(before, used(store), "a released file occupies nothing");

        assertArrayEquals(content, Files.readAllBytes(file)); // implicit restore
        assertEquals(before + 25 * 4096, used(store), "a restored file occupies its data again");

        cluster.clearCapacity();
        assertNotEquals(CAPACITY, store.getTotalSpace(), "without the setting: the backing file system's size");
    }
}

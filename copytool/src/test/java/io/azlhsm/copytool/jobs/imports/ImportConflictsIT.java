package io.azlhsm.copytool.jobs.imports;

import static io.azlhsm.copytool.jobs.imports.ImportTestBed.gid;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.mode;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.options;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.uid;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.upload;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.uploadMany;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.azlhsm.copytool.jobs.JobBusyException;
import io.azlhsm.copytool.jobs.JobCanceller;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Each conflict mode on each HSM state (never archived, archived clean, archived dirty, released). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120)
class ImportConflictsIT {
    private static final int RELEASED = 0x0d;
    private static final int ARCHIVED = 0x09;
    private ImportTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = ImportTestBed.start("conflicts");
    }

    @AfterAll
    void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    /** Per mode, a directory with a file in each HSM state; the container holds a different blob for each. */
    private void conflictSetup(String dir) throws Exception {
        Path mnt = bed.mount();
        BlobContainerClient blobs = bed.container(1);
        Files.createDirectories(mnt.resolve(dir));
        for (String state : List.of("never", "clean", "dirty", "released")) {
            Files.write(mnt.resolve(dir + "/" + state), ("lustre " + state).getBytes());
        }
        upload(blobs, dir + "/never", "blob never".getBytes(), Map.of("permissions", "0600"));
        bed.cluster.lfs("hsm_archive", "-a", "1", mnt.resolve(dir + "/clean").toString(),
                mnt.resolve(dir + "/dirty").toString(), mnt.resolve(dir + "/released").toString());
        for (String state : List.of("clean", "dirty", "released")) {
            bed.cluster.awaitFlags(mnt.resolve(dir + "/" + state), ARCHIVED);
        }
        Files.write(mnt.resolve(dir + "/dirty"), " appended".getBytes(), StandardOpenOption.APPEND);
        bed.cluster.awaitFlags(mnt.resolve(dir + "/dirty"), 0x0b);
        bed.cluster.lfs("hsm_release", mnt.resolve(dir + "/released").toString());
        bed.cluster.awaitFlags(mnt.resolve(dir + "/released"), RELEASED);
        // The container's copy of the released file is replaced: the stub's recorded ETag no longer matches.
        upload(blobs, dir + "/released", "blob released, newer".getBytes(), Map.of("permissions", "0600"));
        if (dir.equals("cf-od")) {
            // Only attributes differ: overwrite-dirty must take them from the blob and keep the data.
            Files.setAttribute(mnt.resolve(dir + "/clean"), "unix:mode", 0666);
            bed.container(1).getBlobClient(dir + "/clean").setMetadata(Map.of("permissions", "0600"));
        }
    }


    @Test
    void eachConflictModeOnEachHsmState() throws Exception {
        Path mnt = bed.mount();
        for (String dir : List.of("cf-fail", "cf-skip", "cf-od", "cf-oa")) {
            conflictSetup(dir);
        }
        // fail: the job stops at the conflict, whatever the state.
        for (String state : List.of("never", "clean", "dirty", "released")) {
            JobOutcome failed = bed.runImport(options(1, ConflictMode.FAIL, -1, "", "/cf-fail/" + state));
            assertEquals(JobState.FAILED, failed.state(), state);
            assertTrue(failed.message().contains("cf-fail/" + state) && failed.message().contains("--conflict is fail"),
                    failed.message());
            assertEquals(1, failed.counters().get("totalConflicts"));
            assertTrue(bed.marker().orElseThrow().startsWith("IMPORT_Failed."));
            assertTrue(bed.log(failed.jobId()).contains("CONFLICT path=\"cf-fail/" + state + "\""));
        }
        assertEquals("lustre never", Files.readString(mnt.resolve("cf-fail/never")));

        // skip: nothing changes.
        JobOutcome skip = bed.runImport(options(1, ConflictMode.SKIP, -1, "", "/cf-skip/"));
        assertEquals(JobState.COMPLETED, skip.state(), skip.message());
        assertEquals(4, skip.counters().get("totalConflicts"));
        assertEquals(List.of(0x00, ARCHIVED, 0x0b, RELEASED), flags(mnt, "cf-skip"));
        assertEquals("lustre never", Files.readString(mnt.resolve("cf-skip/never")));

        // overwrite-dirty: clean and released keep their data and get the blob's attributes; the others re-import.
        JobOutcome od = bed.runImport(options(1, ConflictMode.OVERWRITE_DIRTY, -1, "", "/cf-od/"));
        assertEquals(JobState.COMPLETED, od.state(), od.message());
        assertEquals(4, od.counters().get("totalConflicts"));
        assertEquals(List.of(RELEASED, ARCHIVED, RELEASED, RELEASED), flags(mnt, "cf-od"));
        assertEquals(0600, mode(mnt.resolve("cf-od/clean")));
        assertEquals("lustre clean", Files.readString(mnt.resolve("cf-od/clean")));
        assertEquals("blob never", Files.readString(mnt.resolve("cf-od/never")));
        assertEquals("lustre dirty", Files.readString(mnt.resolve("cf-od/dirty")), "the archived copy");
        String odLog = bed.log(od.jobId());
        assertTrue(odLog.contains("path=\"cf-od/clean\" blob=\"cf-od/clean\" resolution=attributes updated"), odLog);
        assertTrue(odLog.contains("path=\"cf-od/dirty\" blob=\"cf-od/dirty\" resolution=deleted and re-imported"),
                odLog);

        // overwrite-always: clean is released; dirty, never archived and a released file whose blob changed re-import.
        JobOutcome oa = bed.runImport(options(1, ConflictMode.OVERWRITE_ALWAYS, -1, "", "/cf-oa/"));
        assertEquals(JobState.COMPLETED, oa.state(), oa.message());
        assertEquals(4, oa.counters().get("totalConflicts"));
        assertEquals(List.of(RELEASED, RELEASED, RELEASED, RELEASED), flags(mnt, "cf-oa"));
        assertEquals("lustre clean", Files.readString(mnt.resolve("cf-oa/clean")), "restored from its archive");
        assertEquals("blob released, newer", Files.readString(mnt.resolve("cf-oa/released")));
        assertEquals("blob never", Files.readString(mnt.resolve("cf-oa/never")));
        assertTrue(bed.log(oa.jobId()).contains("path=\"cf-oa/clean\" blob=\"cf-oa/clean\" resolution=released"));
    }

    private List<Integer> flags(Path mnt, String dir) {
        List<Integer> flags = new ArrayList<>();
        for (String state : List.of("never", "clean", "dirty", "released")) {
            flags.add(bed.cluster.flags(mnt.resolve(dir + "/" + state)));
        }
        return flags;
    }
}

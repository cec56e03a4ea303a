package io.azlhsm.copytool.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.storage.blob.BlobContainerClient;
import io.azlhsm.copytool.jobs.JobOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Not a test of {@code mvn verify} (its name matches neither Surefire's nor Failsafe's patterns): what one imported
 * stub costs the simulated cluster and the importer, run by name:
 * <pre>
 * nice -n 10 mvn -B -q -pl test-cluster,copytool verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=ImportStubCostBench -Dfailsafe.failIfNoSpecifiedTests=false [-Dstubcost.blobs=2000]
 * </pre>
 * It loads N small blobs (100 a directory, with AMLFS's owner, group, permissions and modtime) and imports them
 * (conflict fail, 8 threads), printing per stub: the FUSE requests the client mount served by opcode and the
 * daemon's requests by verb ({@code cluster counters}, the difference over the import), and the CPU time over the
 * import (utime + stime from /proc, not wall-clock: the machine may be loaded) of the simulator's daemon and of this
 * JVM, which runs the import job (and an idle agent). The figures are in
 * {@code copytool/target/failsafe-reports/*ImportStubCostBench-output.txt}.
 */
class ImportStubCostBench {

    @Test
    void costPerImportedStub() throws Exception {
        int count = Integer.getInteger("stubcost.blobs", 2000);
        try (ImportTestBed bed = ImportTestBed.start("stubcost")) {
            BlobContainerClient blobs = bed.container(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String name = String.format("cost/d%04d/f%02d", i / 100, i % 100);
                    byte[] body = ("blob " + i).getBytes();
                    done.add(pool.submit(() -> ImportTestBed.upload(blobs, name, body, Map.of("owner", "1000",
                            "group", "1000", "permissions", "0640", "modtime", "2024-05-06T07:08:09.0000000Z"))));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long daemon = daemonPid(bed);
            Map<String, Long> before = bed.cluster.counters();
            long daemonCpu = cpuTicks(daemon);
            long ownCpu = cpuTicks(ProcessHandle.current().pid());
            long start = System.nanoTime();
            JobOutcome outcome = bed.runImport(ImportTestBed.options(1, ConflictMode.FAIL, 0, "", "/cost"));
            double wall = (System.nanoTime() - start) / 1e9;
            long ownUsed = cpuTicks(ProcessHandle.current().pid()) - ownCpu;
            long daemonUsed = cpuTicks(daemon) - daemonCpu;
            Map<String, Long> after = bed.cluster.counters();
            assertEquals(count, outcome.counters().get("importedFiles"), outcome.counters()::toString);

            double tick = 1000.0 / 100; // ms per clock tick (USER_HZ 100 on Linux)
            System.out.printf("imported %d stubs in %.1f s wall (%.0f stubs/s); CPU per stub: daemon %.2f ms,"
                    + " import JVM %.2f ms; load average %s%n", count, wall, count / wall,
                    daemonUsed * tick / count, ownUsed * tick / count,
                    Files.readString(Path.of("/proc/loadavg")).trim());
            long fuse = 0;
            StringBuilder perOp = new StringBuilder();
            for (String key : new TreeMap<>(after).keySet()) {
                long n = after.get(key) - before.getOrDefault(key, 0L);
                if (n > 0) {
                    if (key.startsWith("fuse.")) {
                        fuse += n;
                    }
                    perOp.append(String.format(" %s=%.2f", key, (double) n / count));
                }
            }
            System.out.printf("per stub: %.2f FUSE requests;%s%n", (double) fuse / count, perOp);
        }
    }


    private static long daemonPid(ImportTestBed bed) throws Exception {
        return Long.parseLong(Files.readString(bed.cluster.root().resolve("run/daemon.pid")).trim());
    }

    /** utime + stime of a process, in clock ticks (proc(5) /proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14, 15 counted from 1
    }
}

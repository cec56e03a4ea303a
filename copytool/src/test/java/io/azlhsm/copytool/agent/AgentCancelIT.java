package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A CANCEL takes effect at once, whatever the action is waiting for: a bandwidth limiter, the client library's retries
 * against a blob service that is down, or another ARCHIVE of the same file (a deferred duplicate).
 *
 * <p>Each case is set up so that the action, left alone, would go on for minutes (a limit of 8 KiB/s makes each 1 MiB
 * block wait about two minutes; the client library retries 5 times 60 s apart), and checks that the agent ends the
 * canceled action (as Lustre's coordinator expects: llapi_hsm_action_end with ECANCELED) well within
 * {@link #PROMPT}. That bound is a behaviour check, not a benchmark: the measured latency is printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentCancelIT {
    private static final long MIB = 1 << 20;
    /** Far longer than a cancel takes, far shorter than any canceled action would take on its own. */
    private static final Duration PROMPT = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern COOKIE = Pattern.compile(" compound/cookie=0x[0-9a-f]+/0x([0-9a-f]+) ");

    private Cluster cluster;
    private AzuriteServer azurite;
    private HoldingProxy proxy;
    private AgentTestBed bed;
    private BlobServiceClient service;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        proxy = HoldingProxy.start(azurite);
        cluster = Cluster.start();
        // archives 1 and 3: 8 KiB/s each, in blocks of 1 MiB (each its own limiter: no test waits out another's
        // debt); archive 2: the client library's retries as slow as in production, through a proxy that can hold
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                pipeline.writers = 1
                pipeline.readers = 1
                pipeline.ring_size = 4
                archive.1.type = azure
                archive.1.container = throttled
                archive.1.connection_string = %1$s
                archive.1.block_size = 1MiB
                archive.1.bandwidth_limit = 8KiB
                archive.3.type = azure
                archive.3.container = duplicate
                archive.3.connection_string = %1$s
                archive.3.block_size = 1MiB
                archive.3.bandwidth_limit = 8KiB
                archive.2.type = azure
                archive.2.container = outage
                archive.2.connection_string = %2$s
                archive.2.max_tries = 5
                archive.2.retry_delay = 60s
                """.formatted(azurite.connectionString(), proxy.connectionString()));
        service = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void aCancelEndsAThrottledArchiveAtOnce() throws Exception {
        Path file = bed.write("throttled/big.bin", 4 * MIB);
        try (LogWatch log = new LogWatch()) {
            bed.archive(file);
            awaitBytesMoved(file); // a block passed the limiter (any of them: they are staged at once); the others wait minutes
            long cookie = cookies(file).get(0);
            long canceled = System.nanoTime();
            bed.lfs("hsm_cancel", List.of(file));
            Duration took = awaitEnded(log, file, cookie, canceled);
            System.out.println("CANCEL of a throttled ARCHIVE took effect in " + took.toMillis() + " ms");
            assertTrue(log.contains("cookie 0x" + Long.toHexString(cookie) + ": stopped (CANCELED_BY_COORDINATOR)"),
                    () -> "the archive did not end as canceled:\n" + String.join("\n", log.snapshot()));
        }
        assertCanceledAndNotArchived(file, "throttled", 1);
    }

    @Test
    void aCancelEndsAnArchiveWhoseRequestTheClientLibraryRetriesAgainstAStoppedService() throws Exception {
        Path file = bed.write("outage/big.bin", 2 * MIB);
        try (LogWatch log = new LogWatch()) {
            try (HoldingProxy.Hold upload = proxy.hold("uploads of outage/big.bin",
                    r -> r.isDataWrite() && r.isFor("outage", "outage/big.bin"))) {
                bed.lfs("hsm_archive", List.of(file), "--archive", "2");
                upload.awaitHeld(1, WAIT, () -> actions(file)); // the agent is inside a Put Block
                azurite.stop(); // the held request then meets a dead service; the client library retries 60 s apart
            }
            long cookie = cookies(file).get(0);
            long canceled = System.nanoTime();
            bed.lfs("hsm_cancel", List.of(file));
            Duration took = awaitEnded(log, file, cookie, canceled);
            System.out.println("CANCEL of an ARCHIVE in the client library's retries took effect in "
                    + took.toMillis() + " ms");
        } finally {
            azurite.restart();
        }
        assertCanceledAndNotArchived(file, "outage", 1);
    }

    @Test
    void aCancelEndsADuplicateArchiveDeferredBehindAnotherOfItsFile() throws Exception {
        Path file = bed.write("duplicate/big.bin", 4 * MIB);
        try (LogWatch log = new LogWatch()) {
            bed.lfs("hsm_archive", List.of(file), "--archive", "3");
            awaitBytesMoved(file);
            // the coordinator records and dispatches a second ARCHIVE of the file
            bed.lfs("hsm_archive", List.of(file), "--archive", "3");
            Cluster.await("two ARCHIVEs of " + file + " running", WAIT, () -> cookies(file).size() == 2
                    && cluster.actionStatuses(cluster.fid(file), "ARCHIVE").equals(List.of("STARTED", "STARTED")),
                    () -> actions(file));
            long deferredCookie = cookies(file).get(1);
            log.await("cookie 0x" + Long.toHexString(deferredCookie) + ": deferred", WAIT);
            // A cancel by FID cancels the file's last request (mdt_hsm_cdt_client.c hsm_find_compatible_cb): the
            // deferred duplicate. It must end at once, and the archive it waited for must run on.
            long canceled = System.nanoTime();
            bed.lfs("hsm_cancel", List.of(file));
            Duration took = awaitEnded(log, file, deferredCookie, canceled);
            System.out.println("CANCEL of a deferred duplicate ARCHIVE took effect in " + took.toMillis() + " ms");
            assertTrue(log.contains("cookie 0x" + Long.toHexString(deferredCookie) + " ended with errno 125"),
                    () -> "the deferred archive did not end as canceled:\n" + String.join("\n", log.snapshot()));
            long firstCookie = cookies(file).get(0);
            assertEquals(List.of("STARTED", "CANCELED"), cluster.actionStatuses(cluster.fid(file), "ARCHIVE"),
                    actions(file));
            assertFalse(ended(log, "cookie 0x" + Long.toHexString(firstCookie)),
                    () -> "the cancel of the duplicate ended the archive it waited for:\n"
                            + String.join("\n", log.snapshot()));

            canceled = System.nanoTime();
            bed.lfs("hsm_cancel", List.of(file));
            Duration first = awaitEnded(log, file, firstCookie, canceled);
            System.out.println("CANCEL of the ARCHIVE it waited for took effect in " + first.toMillis() + " ms");
        }
        assertCanceledAndNotArchived(file, "duplicate", 2);
    }

    /**
     * Waits for the agent to end the action (its log line saying so), at most {@link #PROMPT} after the cancel.
     *
     * @return how long after the cancel the action ended
     */
    private Duration awaitEnded(LogWatch log, Path file, long cookie, long canceledAt) {
        String tag = "cookie 0x" + Long.toHexString(cookie);
        Cluster.await("the agent ending the canceled action " + tag + " on " + file, PROMPT,
                () -> ended(log, tag), () -> actions(file) + "\nlogged:\n" + String.join("\n", log.snapshot()));
        return Duration.ofNanos(System.nanoTime() - canceledAt);
    }

    /** Whether the agent logged the end of the action, however it ended. */
    private static boolean ended(LogWatch log, String tag) {
        return log.snapshot().stream().anyMatch(m -> m.contains(tag + " ended with errno")
                || m.contains(tag + ": stopped (") || m.contains(tag + " failed with errno")
                || m.contains(tag + ": failed with errno") || m.contains(tag + ": abandoned"));
    }

    private void assertCanceledAndNotArchived(Path file, String container, int requests) throws Exception {
        bed.awaitIdle(file, WAIT);
        assertEquals(java.util.Collections.nCopies(requests, "CANCELED"),
                cluster.actionStatuses(cluster.fid(file), "ARCHIVE"), actions(file));
        assertEquals(0x01, cluster.flags(file), "a canceled archive must leave the file exists-only");
        assertTrue(new ArchiveRecordStore().read(file).isEmpty(), "a canceled archive left an archive record");
        String blob = cluster.mount().relativize(file).toString();
        assertFalse(service.getBlobContainerClient(container).getBlobClient(blob).exists(),
                "a canceled archive committed blob " + blob);
    }

    /** The cookies of the file's ARCHIVE requests, oldest first. */
    private List<Long> cookies(Path file) {
        String fid = cluster.fid(file);
        List<Long> cookies = new ArrayList<>();
        for (String line : cluster.getParam("actions").split("\n")) {
            if (line.contains("fid=" + fid + " ") && line.contains("action=ARCHIVE ")) {
                Matcher m = COOKIE.matcher(line);
                if (m.find()) {
                    cookies.add(Long.parseUnsignedLong(m.group(1), 16));
                }
            }
        }
        cookies.sort(Long::compareUnsigned);
        return cookies;
    }

    /** Waits until the coordinator has progress for the file's archive: at least one block passed the limiter. */
    private void awaitBytesMoved(Path file) {
        Pattern moved = Pattern.compile("\\((\\d+) bytes moved\\)");
        Cluster.await("a block of " + file + " archived", WAIT, () -> {
            Matcher m = moved.matcher(cluster.lfs("hsm_action", file.toString()).stdout());
            return m.find() && Long.parseLong(m.group(1)) > 0;
        }, () -> actions(file));
    }

    /** For failure messages: the file's current action and state, and the coordinator's actions on it. */
    private String actions(Path file) {
        String fid = cluster.fid(file);
        return "hsm_action: " + cluster.lfs("hsm_action", file.toString()).stdout()
                + "hsm_state: " + cluster.lfs("hsm_state", file.toString()).stdout()
                + "actions:\n" + String.join("\n", cluster.getParam("actions").lines()
                        .filter(l -> l.contains(fid)).toList());
    }
}

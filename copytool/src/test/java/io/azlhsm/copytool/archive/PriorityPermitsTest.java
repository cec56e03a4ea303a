package io.azlhsm.copytool.archive;

import static io.azlhsm.copytool.archive.RequestPriority.OTHER;
import static io.azlhsm.copytool.archive.RequestPriority.RESTORE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract of the request slots: who gets a permit, in which order, and what an interrupt does. */
class PriorityPermitsTest {
    /** Longer than any test takes, however loaded the machine: no request ages within it. */
    private static final Duration NO_AGING = Duration.ofHours(1);
    private static final long TIMEOUT_MS = 20_000;

    private final List<Thread> threads = new ArrayList<>();
    private final List<String> served = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopThreads() throws InterruptedException {
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(TIMEOUT_MS);
        }
    }

    @Test
    void neverMorePermitsThanThereAre() throws Exception {
        PriorityPermits permits = new PriorityPermits(3, NO_AGING);
        PriorityPermits.Permit a = permits.acquire(RESTORE);
        PriorityPermits.Permit b = permits.acquire(RESTORE);
        PriorityPermits.Permit c = permits.acquire(RESTORE);
        CompletableFuture<PriorityPermits.Permit> fourth = acquireLater(permits, RESTORE);
        awaitWaiting(permits, RESTORE, 1);
        assertEquals(3, permits.inUse());
        assertTrue(!fourth.isDone(), "a fourth permit was handed out");
        b.close();
        b.close(); // closing twice gives back one permit
        fourth.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).close();
        a.close();
        c.close();
        assertEquals(0, permits.inUse());
    }

    @Test
    void onePermitIsKeptForRestores() throws Exception {
        PriorityPermits permits = new PriorityPermits(2, NO_AGING);
        PriorityPermits.Permit archive = permits.acquire(OTHER);
        CompletableFuture<PriorityPermits.Permit> secondArchive = acquireLater(permits, OTHER);
        awaitWaiting(permits, OTHER, 1);
        // the second archive request waits with a permit free; a restore coming after it takes that permit at once
        PriorityPermits.Permit restore = permits.acquire(RESTORE);
        assertTrue(!secondArchive.isDone(), "archive requests held both permits");
        restore.close();
        assertTrue(!secondArchive.isDone(), "archive requests took the permit kept for restores");
        archive.close();
        secondArchive.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).close();
    }

    @Test
    void withASinglePermitOtherRequestsTakeItToo() throws Exception {
        PriorityPermits permits = new PriorityPermits(1, NO_AGING);
        permits.acquire(OTHER).close();
        permits.acquire(OTHER).close();
    }

    @Test
    void aFreedPermitGoesToWaitingRestoresFirstThenToOthersInArrivalOrder() throws Exception {
        PriorityPermits permits = new PriorityPermits(1, NO_AGING);
        PriorityPermits.Permit busy = permits.acquire(OTHER);
        queue(permits, OTHER, "archive-1");
        awaitWaiting(permits, OTHER, 1);
        queue(permits, OTHER, "archive-2");
        awaitWaiting(permits, OTHER, 2);
        queue(permits, RESTORE, "restore-1");
        awaitWaiting(permits, RESTORE, 1);
        queue(permits, RESTORE, "restore-2");
        awaitWaiting(permits, RESTORE, 2);
        busy.close();
        awaitServed(4);
        assertEquals(List.of("restore-1", "restore-2", "archive-1", "archive-2"), served);
    }

    @Test
    void anOtherRequestThatWaitedTheAgingBoundGoesBeforeARestoreThatCameLater() throws Exception {
        Duration aging = Duration.ofMillis(50);
        PriorityPermits permits = new PriorityPermits(1, aging);
        PriorityPermits.Permit busy = permits.acquire(RESTORE);
        queue(permits, OTHER, "archive");
        awaitWaiting(permits, OTHER, 1);
        long waitingBy = System.nanoTime(); // the archive request was waiting by now
        await("the archive request has waited longer than the aging bound",
                () -> System.nanoTime() - waitingBy > 2 * aging.toNanos());
        queue(permits, RESTORE, "restore");
        awaitWaiting(permits, RESTORE, 1);
        busy.close();
        awaitServed(2);
        assertEquals(List.of("archive", "restore"), served);
    }

    @Test
    void anInterruptedWaiterLeavesTheLineWithoutAPermit() throws Exception {
        PriorityPermits permits = new PriorityPermits(1, NO_AGING);
        PriorityPermits.Permit busy = permits.acquire(OTHER);
        CompletableFuture<PriorityPermits.Permit> restore = acquireLater(permits, RESTORE);
        awaitWaiting(permits, RESTORE, 1);
        queue(permits, OTHER, "archive");
        awaitWaiting(permits, OTHER, 1);
        threads.get(0).interrupt(); // the restore's thread: its action was stopped
        try {
            restore.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError("the interrupted wait got a permit");
        } catch (java.util.concurrent.ExecutionException expected) {
            assertTrue(expected.getCause() instanceof InterruptedException, "ended with " + expected.getCause());
        }
        assertEquals(0, permits.waiting(RESTORE));
        busy.close();
        awaitServed(1); // the permit went to the archive behind it, not to the interrupted restore
        assertEquals(List.of("archive"), served);
        assertEquals(0, permits.inUse());
    }

    /** A thread that acquires, then gives the permit back at once; the future holds the permit or the failure. */
    private CompletableFuture<PriorityPermits.Permit> acquireLater(PriorityPermits permits, RequestPriority priority) {
        CompletableFuture<PriorityPermits.Permit> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(permits.acquire(priority));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        threads.add(thread);
        thread.start();
        return result;
    }

    /** A thread that acquires, notes its name in {@link #served}, and gives the permit back at once. */
    private void queue(PriorityPermits permits, RequestPriority priority, String name) {
        Thread thread = new Thread(() -> {
            try (PriorityPermits.Permit permit = permits.acquire(priority)) {
                served.add(name);
            } catch (InterruptedException ignored) {
                // the test ends
            }
        });
        threads.add(thread);
        thread.start();
    }

    private void awaitServed(int count) throws InterruptedException {
        await(count + " requests served", () -> served.size() >= count);
    }

    private static void awaitWaiting(PriorityPermits permits, RequestPriority priority, int count)
            throws InterruptedException {
        await(count + " " + priority + " requests waiting", () -> permits.waiting(priority) >= count);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2);
        }
    }
}

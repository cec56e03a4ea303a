package io.azlhsm.copytool.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.RequestPriority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Behaviour of the bucket: amounts allowed and order of service, not how fast the machine is. */
class BandwidthLimiterTest {

    @Test
    void unlimitedNeverWaits() throws Exception {
        BandwidthLimiter unlimited = new BandwidthLimiter(0);
        assertEquals(0, unlimited.acquire(Long.MAX_VALUE / 2, RequestPriority.OTHER), 10_000_000);
    }

    @Test
    void aDrainedBucketMakesTheNextRequestWaitForItsTokens() throws Exception {
        BandwidthLimiter limiter = new BandwidthLimiter(1_000_000); // starts empty
        long waited = limiter.acquire(200_000, RequestPriority.OTHER);
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150), "200 kB at 1 MB/s must wait ~200 ms, waited "
                + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
    }

    @Test
    void raisingTheRateReleasesAWaiterEarly() throws Exception {
        BandwidthLimiter limiter = new BandwidthLimiter(1_000); // 1 kB/s: 100 kB would take 100 s
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                limiter.acquire(100_000, RequestPriority.OTHER);
                done.countDown();
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        waiter.start();
        Thread.sleep(100);
        limiter.setRate(0);
        assertTrue(done.await(5, TimeUnit.SECONDS), "waiter not released by the new rate");
    }

    @Test
    void whenBothWaitRestoresAreServedBeforeArchives() throws Exception {
        // a trickle: everybody queues up; no aging within the test, however slow the machine
        BandwidthLimiter limiter = new BandwidthLimiter(1, Duration.ofHours(1));
        List<RequestPriority> served = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(requester(limiter, RequestPriority.OTHER, served));
        }
        awaitWaiting(limiter, RequestPriority.OTHER, 3); // the archives were there first
        for (int i = 0; i < 3; i++) {
            threads.add(requester(limiter, RequestPriority.RESTORE, served));
        }
        awaitWaiting(limiter, RequestPriority.RESTORE, 3);
        limiter.setRate(100_000);
        for (Thread thread : threads) {
            thread.join(20_000);
        }
        assertEquals(6, served.size());
        assertEquals(List.of(RequestPriority.RESTORE, RequestPriority.RESTORE, RequestPriority.RESTORE), served.subList(0, 3),
                "restores waited behind archives: " + served);
    }

    @Test
    void anInterruptEndsAWaitAtOnce() throws Exception {
        BandwidthLimiter limiter = new BandwidthLimiter(1_000); // 100 kB would take 100 s
        List<Throwable> ended = Collections.synchronizedList(new ArrayList<>());
        Thread waiter = new Thread(() -> {
            try {
                limiter.acquire(100_000, RequestPriority.RESTORE);
            } catch (Throwable e) {
                ended.add(e);
            }
        });
        waiter.start();
        awaitWaiting(limiter, RequestPriority.RESTORE, 1);
        waiter.interrupt();
        waiter.join(10_000);
        assertEquals(1, ended.size(), "the interrupted wait did not end");
        assertTrue(ended.get(0) instanceof InterruptedException, "ended with " + ended);
        assertEquals(0, limiter.waiting(RequestPriority.RESTORE));
    }

    private static void awaitWaiting(BandwidthLimiter limiter, RequestPriority direction, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (limiter.waiting(direction) < count) {
            assertTrue(System.nanoTime() < deadline, count + " " + direction + " requests never waited");
            Thread.sleep(5);
        }
    }

    private static Thread requester(BandwidthLimiter limiter, RequestPriority direction, List<RequestPriority> served) {
        Thread thread = new Thread(() -> {
            try {
                limiter.acquire(20_000, direction);
                served.add(direction);
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        thread.start();
        return thread;
    }
}

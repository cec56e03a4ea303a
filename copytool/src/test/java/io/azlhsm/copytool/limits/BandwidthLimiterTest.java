package io.azlhsm.copytool.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.limits.BandwidthLimiter.Direction;
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
        assertEquals(0, unlimited.acquire(Long.MAX_VALUE / 2, Direction.ARCHIVE), 10_000_000);
    }

    @Test
    void aDrainedBucketMakesTheNextRequestWaitForItsTokens() throws Exception {
        BandwidthLimiter limiter = new BandwidthLimiter(1_000_000); // starts empty
        long waited = limiter.acquire(200_000, Direction.ARCHIVE);
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(150), "200 kB at 1 MB/s must wait ~200 ms, waited "
                + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
    }

    @Test
    void raisingTheRateReleasesAWaiterEarly() throws Exception {
        BandwidthLimiter limiter = new BandwidthLimiter(1_000); // 1 kB/s: 100 kB would take 100 s
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            try {
                limiter.acquire(100_000, Direction.ARCHIVE);
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
        BandwidthLimiter limiter = new BandwidthLimiter(1); // a trickle: everybody queues up
        List<Direction> served = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(requester(limiter, Direction.ARCHIVE, served));
        }
        awaitWaiting(limiter, Direction.ARCHIVE, 3); // the archives were there first
        for (int i = 0; i < 3; i++) {
            threads.add(requester(limiter, Direction.RESTORE, served));
        }
        awaitWaiting(limiter, Direction.RESTORE, 3);
        limiter.setRate(100_000);
        for (Thread thread : threads) {
            thread.join(20_000);
        }
        assertEquals(6, served.size());
        assertEquals(List.of(Direction.RESTORE, Direction.RESTORE, Direction.RESTORE), served.subList(0, 3),
                "restores waited behind archives: " + served);
    }

    private static void awaitWaiting(BandwidthLimiter limiter, Direction direction, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (limiter.waiting(direction) < count) {
            assertTrue(System.nanoTime() < deadline, count + " " + direction + " requests never waited");
            Thread.sleep(5);
        }
    }

    private static Thread requester(BandwidthLimiter limiter, Direction direction, List<Direction> served) {
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

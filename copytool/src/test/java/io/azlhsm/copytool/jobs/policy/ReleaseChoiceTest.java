package io.azlhsm.copytool.jobs.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How much the release rule frees, and which files it picks for it. */
class ReleaseChoiceTest {
    @Test
    void theUsedShareIsLfsDfsAndTheBytesToFreeBringItToTheLowWatermark() {
        // 1000 blocks, 850 used, 100 available (50 reserved): lfs df's Use% is 850 / 950
        SpaceUsage usage = new SpaceUsage(1000, 850, 100);
        assertEquals(100.0 * 850 / 950, usage.percentUsed(), 1e-9);
        assertEquals(850 - 665, usage.bytesAbove(70)); // 70% of 950 = 665
        assertEquals(0, usage.bytesAbove(90));
    }

    @Test
    void theLeastRecentlyAccessedFilesThatMakeUpTheBytesAreKeptOldestFirst() {
        OldestAccessed oldest = new OldestAccessed(250);
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        for (int i : new int[] {5, 1, 4, 2, 3}) {
            oldest.offer(new OldestAccessed.Candidate(Path.of("/f" + i), t.plusSeconds(i), 100));
        }
        assertEquals(List.of("/f1", "/f2", "/f3"),
                oldest.oldestFirst().stream().map(c -> c.path().toString()).toList());
    }
}

package io.azlhsm.testcluster.coordinator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExtentUnionTest {
    @Test
    void overlappingAndAdjacentExtentsCountOnce() {
        ExtentUnion u = new ExtentUnion();
        u.add(0, 100);
        u.add(50, 100);
        u.add(200, 50);
        assertEquals(200, u.total());
        u.add(150, 50); // fills the gap exactly
        assertEquals(250, u.total());
        u.add(0, 250); // nothing new
        assertEquals(250, u.total());
    }

    @Test
    void extentToEofCoversEverythingAfterItsOffset() {
        ExtentUnion u = new ExtentUnion();
        u.add(10, 5);
        u.add(12, -1);
        assertEquals(Long.MAX_VALUE - 10, u.total());
    }
}

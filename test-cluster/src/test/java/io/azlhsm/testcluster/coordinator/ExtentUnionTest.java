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
        assertEquals("18446744073709551605", Long.toUnsignedString(u.total())); // 2^64 - 1 - 10
    }

    /** llapi_hsm_test test109: one report of length 0xffffffffffffffff from 0 reads back as that length. */
    @Test
    void theLargestLengthFromZeroIsCountedUnsigned() {
        ExtentUnion u = new ExtentUnion();
        u.add(0, -1);
        assertEquals("18446744073709551615", Long.toUnsignedString(u.total()));
    }

    @Test
    void offsetsAboveTwoToTheSixtyThreeOrderUnsigned() {
        ExtentUnion u = new ExtentUnion();
        u.add(0x8000000000000000L, 100);
        u.add(0, 100);
        u.add(0x8000000000000000L + 50, 100);
        assertEquals(250, u.total());
    }
}

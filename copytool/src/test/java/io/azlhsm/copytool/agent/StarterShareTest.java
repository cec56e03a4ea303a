package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StarterShareTest {
    @Test
    void oneStarterIsKeptForRestores() {
        StarterShare share = new StarterShare(3);
        assertTrue(share.claim(false));
        assertTrue(share.claim(false));
        assertFalse(share.claim(false), "archives took the starter kept for restores");
        assertTrue(share.claim(true), "a restore found no starter");
        assertEquals(2, share.busyWithOthers());
        share.done(true);
        assertFalse(share.claim(false), "a restore's end freed a starter for archives");
        share.done(false);
        assertTrue(share.claim(false));
    }

    @Test
    void aSingleStarterTakesAnything() {
        StarterShare share = new StarterShare(1);
        assertTrue(share.claim(false));
        share.done(false);
        assertTrue(share.claim(false));
    }
}

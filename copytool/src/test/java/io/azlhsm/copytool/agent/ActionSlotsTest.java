package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.lustre.LuFid;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ActionSlotsTest {
    private static final ActionKey A = new ActionKey(1, new LuFid(0x200000401L, 1, 0));
    private static final ActionKey B = new ActionKey(2, new LuFid(0x200000401L, 2, 0));
    private static final ActionKey C = new ActionKey(3, new LuFid(0x200000401L, 3, 0));

    @Test
    void aSlotIsHeldFromItsActionsBeginToItsEndAndNoLonger() throws Exception {
        ActionSlots slots = new ActionSlots(2);
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
        assertEquals(0, slots.inUse(), "a slot taken to look for an action is not an action begun");
        assertTrue(slots.claim(false));
        slots.assign(A);
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
        assertTrue(slots.claim(true));
        slots.assign(B);
        assertEquals(2, slots.inUse());
        assertFalse(slots.take(10, TimeUnit.MILLISECONDS), "a third action would exceed the bound");

        slots.ended(A, false);
        assertEquals(1, slots.inUse());
        slots.ended(A, false); // an action that holds no slot (ended twice, or never begun) gives nothing back
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
        assertFalse(slots.take(10, TimeUnit.MILLISECONDS), "the second end of A freed a slot it did not hold");
        slots.giveBack(false);
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void oneActionSentTwiceHoldsTwoSlots() throws Exception {
        ActionSlots slots = new ActionSlots(2);
        slots.take(0, TimeUnit.MILLISECONDS);
        slots.claim(true);
        slots.assign(A);
        slots.take(0, TimeUnit.MILLISECONDS);
        slots.claim(true);
        slots.assign(A);
        slots.ended(A, true);
        assertEquals(1, slots.inUse());
        slots.ended(A, true);
        assertEquals(0, slots.inUse());
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS) && slots.take(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void oneSlotIsKeptForRestores() throws Exception {
        ActionSlots slots = new ActionSlots(3);
        slots.take(0, TimeUnit.MILLISECONDS);
        assertTrue(slots.claim(false));
        slots.assign(A);
        slots.take(0, TimeUnit.MILLISECONDS);
        assertTrue(slots.claim(false));
        slots.assign(B);
        slots.take(0, TimeUnit.MILLISECONDS);
        assertFalse(slots.claim(false), "the restores' slot went to an archive");
        assertTrue(slots.claim(true));
        slots.assign(C);
        assertEquals(3, slots.inUse());
        slots.ended(A, false);
        slots.take(0, TimeUnit.MILLISECONDS);
        assertTrue(slots.claim(false), "an archive ended: its slot is for any action again");
        slots.giveBack(true);
        slots.take(0, TimeUnit.MILLISECONDS);
        assertTrue(slots.claim(false));
        assertTrue(new ActionSlots(1).claim(false), "a single slot is for every action");
    }
}

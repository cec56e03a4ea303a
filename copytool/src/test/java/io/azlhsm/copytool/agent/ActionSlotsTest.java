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

    @Test
    void aSlotIsHeldFromItsActionsBeginToItsEndAndNoLonger() throws Exception {
        ActionSlots slots = new ActionSlots(2);
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
        assertEquals(0, slots.inUse(), "a slot taken to look for an action is not an action begun");
        slots.assign(A);
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
        slots.assign(B);
        assertEquals(2, slots.inUse());
        assertFalse(slots.take(10, TimeUnit.MILLISECONDS), "a third action would exceed the bound");

        slots.ended(A);
        assertEquals(1, slots.inUse());
        slots.ended(A); // an action that holds no slot (ended twice, or never begun) gives nothing back
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
        assertFalse(slots.take(10, TimeUnit.MILLISECONDS), "the second end of A freed a slot it did not hold");
        slots.giveBack();
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void oneActionSentTwiceHoldsTwoSlots() throws Exception {
        ActionSlots slots = new ActionSlots(2);
        slots.take(0, TimeUnit.MILLISECONDS);
        slots.assign(A);
        slots.take(0, TimeUnit.MILLISECONDS);
        slots.assign(A);
        slots.ended(A);
        assertEquals(1, slots.inUse());
        slots.ended(A);
        assertEquals(0, slots.inUse());
        assertTrue(slots.take(0, TimeUnit.MILLISECONDS) && slots.take(0, TimeUnit.MILLISECONDS));
    }
}

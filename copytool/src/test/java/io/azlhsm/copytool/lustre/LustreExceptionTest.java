package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LustreExceptionTest {
    @Test
    void negativeReturnBecomesExceptionWithSymbolicErrno() {
        LustreException e = assertThrows(LustreException.class,
                () -> LustreException.check(-125, "llapi_hsm_action_progress", "[0x200000401:0x1:0x0]"));
        assertEquals(125, e.errno());
        assertEquals("ECANCELED", e.errnoName());
        assertEquals("llapi_hsm_action_progress", e.call());
        assertEquals("[0x200000401:0x1:0x0]", e.subject());
        assertEquals("llapi_hsm_action_progress([0x200000401:0x1:0x0]) failed: ECANCELED (errno 125)",
                e.getMessage());
    }

    @Test
    void nonNegativeReturnPassesThrough() throws Exception {
        assertEquals(0, LustreException.check(0, "x", "y"));
        assertEquals(7, LustreException.check(7, "x", "y"));
    }

    @Test
    void errnoNames() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
        assertEquals("ESHUTDOWN", Errno.name(108));
        assertEquals("errno 4242", Errno.name(4242));
    }
}

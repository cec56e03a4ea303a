package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The words and their order are lfs hsm_state's. */
class HsmStatesTest {
    @Test
    void wordsFollowLfsOrder() {
        assertEquals("released exists archived", HsmStates.words(0x0d));
        assertEquals("exists dirty archived", HsmStates.words(0x0b));
        assertEquals("never_release never_archive lost_from_hsm", HsmStates.words(0x70));
        assertEquals("", HsmStates.words(0));
        assertEquals("", HsmStates.words(HsmStates.PCCRW | HsmStates.PCCRO));
    }

    @Test
    void lfsDescriptionMatchesLfsOutput() {
        HsmExtent none = new HsmExtent(0, 0);
        assertEquals("(0x0000000d) released exists archived, archive_id:1",
                new HsmUserState(0x0d, 1, 0, HsmUserAction.NONE.code(), none).lfsDescription());
        assertEquals("(0x00000000)", new HsmUserState(0, 0, 0, 1, none).lfsDescription());
        assertEquals("(0x00000001) exists, archive_id:2", new HsmUserState(1, 2, 0, 1, none).lfsDescription());
    }

    @Test
    void masksMatchTheReference() {
        assertEquals(0x32, HsmStates.USER_MASK);
        assertEquals(0x1CD, HsmStates.STATUS_MASK);
        assertEquals(0x1FF, HsmStates.FLAGS_MASK);
    }
}

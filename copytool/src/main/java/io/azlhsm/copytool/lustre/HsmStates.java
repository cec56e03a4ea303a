package io.azlhsm.copytool.lustre;

import java.util.StringJoiner;

/** The HSM state bits of a file ({@code enum hsm_states}, {@code hus_states}, the setmask/clearmask of hsm_set). */
public final class HsmStates {
    public static final int NONE = 0x0;
    public static final int EXISTS = 0x1;
    public static final int DIRTY = 0x2;
    public static final int RELEASED = 0x4;
    public static final int ARCHIVED = 0x8;
    public static final int NORELEASE = 0x10;
    public static final int NOARCHIVE = 0x20;
    public static final int LOST = 0x40;
    public static final int PCCRW = 0x80;
    public static final int PCCRO = 0x100;

    /** Bits a non-root user may set or clear. */
    public static final int USER_MASK = NORELEASE | NOARCHIVE | DIRTY;
    public static final int STATUS_MASK = EXISTS | LOST | RELEASED | ARCHIVED | PCCRW | PCCRO;
    public static final int FLAGS_MASK = USER_MASK | STATUS_MASK;

    // The words and their order are those of lfs hsm_state (lustre/utils/lfs.c), so output can be compared verbatim.
    private static final int[] BITS = {RELEASED, EXISTS, DIRTY, ARCHIVED, NORELEASE, NOARCHIVE, LOST};
    private static final String[] WORDS =
            {"released", "exists", "dirty", "archived", "never_release", "never_archive", "lost_from_hsm"};

    private HsmStates() {
    }

    /** The words {@code lfs hsm_state} prints for these bits, space separated ("" for none). */
    public static String words(int states) {
        StringJoiner joined = new StringJoiner(" ");
        for (int i = 0; i < BITS.length; i++) {
            if ((states & BITS[i]) != 0) {
                joined.add(WORDS[i]);
            }
        }
        return joined.toString();
    }

    public static boolean has(int states, int bits) {
        return (states & bits) == bits;
    }
}

package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

/**
 * The Lustre client mount options the simulated mount knows, in Lustre's spelling ({@code mount -t lustre -o ...}).
 *
 * <p>Only {@code user_xattr} / {@code nouser_xattr} so far: a Lustre client allows {@code user.*} extended attributes
 * only when mounted with {@code -o user_xattr}, which is not a default (llite's default flags lack
 * {@code LL_SBI_USER_XATTR}); without it every get, set and remove of a {@code user.*} name fails with EOPNOTSUPP,
 * root included, and listings omit them. Any other option is refused (EINVAL), as mount refuses one it does not know,
 * so a test cannot believe it set something the simulator ignores.
 *
 * @param userXattr whether {@code user.*} extended attributes are allowed
 */
public record MountOptions(boolean userXattr) {
    /** What {@code mount -t lustre} gives without {@code -o}. */
    public static final MountOptions DEFAULTS = new MountOptions(false);

    /**
     * Parses a comma-separated option list; null or empty is the defaults. A later option overrides an earlier one.
     *
     * @throws SimulatorException EINVAL naming an unknown option
     */
    public static MountOptions parse(String text) throws SimulatorException {
        boolean userXattr = DEFAULTS.userXattr;
        if (text == null || text.isBlank()) {
            return DEFAULTS;
        }
        for (String option : text.split(",")) {
            switch (option.strip()) {
                case "user_xattr" -> userXattr = true;
                case "nouser_xattr" -> userXattr = false;
                case "" -> { }
                default -> throw new SimulatorException(Errno.EINVAL, "unknown mount option '" + option
                        + "' (the simulated client knows user_xattr, nouser_xattr)");
            }
        }
        return new MountOptions(userXattr);
    }

    /** The list as mount shows it. */
    @Override
    public String toString() {
        return userXattr ? "user_xattr" : "nouser_xattr";
    }
}

package io.azlhsm.copytool.lustre;

import java.util.Locale;

/**
 * The open(2) flags whose values differ between architectures, for the calls bound here through jnr-ffi (which has
 * no such constants): O_DIRECTORY and O_NOFOLLOW are 0200000 and 0400000 in the generic and x86 headers
 * (include/uapi/asm-generic/fcntl.h) but 040000 and 0100000 on arm64 (arch/arm64/include/uapi/asm/fcntl.h); O_PATH
 * (010000000) and O_CLOEXEC (02000000) are the same on both.
 *
 * @param directory O_DIRECTORY
 * @param noFollow  O_NOFOLLOW
 */
record OpenFlags(int directory, int noFollow) {
    static final int O_PATH = 010000000;
    static final int O_CLOEXEC = 02000000;

    /**
     * @throws UnsupportedOperationException for an architecture other than x86_64 and aarch64
     */
    static OpenFlags of(String arch) {
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> new OpenFlags(0200000, 0400000);
            case "aarch64", "arm64" -> new OpenFlags(040000, 0100000);
            default -> throw new UnsupportedOperationException("unsupported architecture " + arch
                    + " (the open flags are known for x86_64 and aarch64)");
        };
    }
}

package io.azlhsm.copytool.archive;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random hexadecimal tokens that tell uploads and object versions apart (block-id prefixes, temporary file names,
 * posix ETags). 64 bits: two uploads of the same object colliding is not a practical concern.
 */
public final class RandomTokens {
    /** Characters in every token. */
    public static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomTokens() {
    }

    /** A new token of {@link #LENGTH} lowercase hexadecimal characters. */
    public static String next() {
        byte[] bytes = new byte[LENGTH / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}

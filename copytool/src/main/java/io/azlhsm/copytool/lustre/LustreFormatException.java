package io.azlhsm.copytool.lustre;

import java.io.IOException;

/**
 * A binary structure read from liblustreapi does not follow the layout rules of the reference (a list item past
 * the end of the message, an unknown changelog extension, ...). Either the library is broken or this copytool
 * misreads the ABI; neither is safe to guess around.
 */
public final class LustreFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public LustreFormatException(String message) {
        super(message);
    }
}

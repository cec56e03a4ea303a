package io.azlhsm.copytool.archive;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The MD5 of a buffer's remaining bytes, as Azure's Content-MD5 carries it; the buffer's position is unchanged. */
public final class ContentMd5 {
    /** Cloned for each digest: getInstance looks the provider's service up again every time. */
    private static final MessageDigest PROTOTYPE = lookUp();

    private ContentMd5() {
    }

    public static byte[] of(ByteBuffer data) {
        MessageDigest md5 = newDigest();
        md5.update(data.duplicate());
        return md5.digest();
    }

    /** A fresh MD5 digest (every Java runtime has MD5, so failure is a broken JDK). */
    public static MessageDigest newDigest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return lookUp(); // a provider whose MD5 cannot be cloned
        }
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no MD5", e);
        }
    }
}

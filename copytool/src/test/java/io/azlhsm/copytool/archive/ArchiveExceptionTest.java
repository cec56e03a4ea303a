package io.azlhsm.copytool.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ArchiveException.Errno;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiveExceptionTest {

    @Test
    void everyKindMapsToItsErrno() {
        Map<Kind, Integer> expected = Map.of(Kind.TRANSIENT, Errno.EAGAIN, Kind.NOT_FOUND, Errno.ENOENT,
                Kind.PERMISSION, Errno.EACCES, Kind.PRECONDITION, Errno.ESTALE, Kind.CORRUPT, Errno.EIO,
                Kind.INVALID, Errno.EINVAL, Kind.TOO_LARGE, Errno.EFBIG, Kind.OFFLINE, Errno.EAGAIN);
        assertEquals(Kind.values().length, expected.size(), "a new kind needs an errno here");
        expected.forEach((kind, errno) -> assertEquals(errno, ArchiveException.of(kind, "o", "c").errno(), kind.name()));
        assertEquals(Errno.ETIMEDOUT, ArchiveException.timedOut("o", "slow", null).errno());
    }

    @Test
    void onlyTransientFailuresAreRetryable() {
        for (Kind kind : Kind.values()) {
            // an offline (Archive-tier) object can be read again once rehydrated: worth another try later
            assertEquals(kind == Kind.TRANSIENT || kind == Kind.OFFLINE, ArchiveException.of(kind, "o", "c")
                    .retryable(), kind.name());
        }
    }

    @Test
    void theMessageNamesKindObjectStatusAndCause() {
        ArchiveException e = ArchiveException.fromService(Kind.PERMISSION, "dir/file", 403, "Put Blob answered X", null);
        assertEquals("permission: 'dir/file' (HTTP 403): Put Blob answered X", e.getMessage());
        assertEquals(403, e.httpStatus());
        assertEquals("dir/file", e.objectName());
        assertTrue(ArchiveException.of(Kind.TOO_LARGE, null, "c").getMessage().startsWith("too large: (no object)"));
    }

    @Test
    void causesAreAttachedRedactedWithTheirStackTraces() {
        IOException original = new IOException("GET http://h/c/b?sv=2024&sig=SECRETSIG&se=1 failed",
                new IllegalStateException("DefaultEndpointsProtocol=https;AccountKey=SECRETKEY==;EndpointSuffix=x"));
        ArchiveException e = ArchiveException.of(Kind.TRANSIENT, "b", "network", original);
        RedactedCause cause = (RedactedCause) e.getCause();
        assertEquals(IOException.class.getName(), cause.originalClass());
        assertEquals("GET http://h/c/b?sv=2024&sig=***&se=1 failed", cause.getMessage());
        assertEquals("DefaultEndpointsProtocol=https;AccountKey=***;EndpointSuffix=x", cause.getCause().getMessage());
        assertEquals(original.getStackTrace().length, cause.getStackTrace().length);
        assertFalse(cause.toString().contains("SECRET"));
    }

    @Test
    void serviceSignaturesQuotedInAnswersAreMasked() {
        assertEquals("The MAC signature found in the HTTP request '***' is not the same",
                RedactedCause.redact("The MAC signature found in the HTTP request 'abc+/=' is not the same"));
        assertEquals("Authorization: SharedKey acct:***", RedactedCause.redact("Authorization: SharedKey acct:c2ln=="));
    }
}

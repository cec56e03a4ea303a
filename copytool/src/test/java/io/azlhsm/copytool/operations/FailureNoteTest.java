package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailureNoteTest {
    @Test
    void aNoteReadsBackAsWrittenAndDescribesErrnoHostAndReason() {
        FailureNote note = new FailureNote("RESTORE", 5, "blob a/b was replaced", "dm2",
                Instant.parse("2026-12-06T10:00:00Z"));
        assertEquals(Optional.of(note), FailureNote.decode(note.encode()));
        assertEquals("the agent on dm2 failed its RESTORE at 2026-12-06T10:00:00Z with errno 5 (EIO): blob a/b was"
                + " replaced", note.describe());
    }

    @Test
    void aLongReasonIsCutOnACharacterBoundaryAndRedacted() {
        String reason = "é".repeat(1000) + " sig=secret";
        FailureNote note = FailureNote.of("ARCHIVE", 16, reason);
        assertTrue(note.reason().getBytes(StandardCharsets.UTF_8).length <= FailureNote.REASON_MAX, note::reason);
        assertTrue(note.reason().endsWith("é..."), note::reason);
        assertTrue(note.encode().getBytes(StandardCharsets.UTF_8).length < 1024);
        FailureNote secret = FailureNote.of("ARCHIVE", 16, "GET https://a.blob/x?sv=1&sig=abcdef failed");
        assertTrue(!secret.reason().contains("abcdef"), secret::reason);
    }

    @Test
    void aLineBreakInTheReasonCannotForgeAField() {
        FailureNote note = FailureNote.of("ARCHIVE", 5, "bad\nerrno=0");
        assertEquals(5, FailureNote.decode(note.encode()).orElseThrow().errno());
    }

    @Test
    void anUnreadableNoteIsNone() {
        assertEquals(Optional.empty(), FailureNote.decode("garbage"));
    }
}

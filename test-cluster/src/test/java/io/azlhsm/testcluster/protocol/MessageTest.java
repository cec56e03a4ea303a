package io.azlhsm.testcluster.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class MessageTest {
    @Test
    void unsafeBytesArePercentEncodedAndComeBack() {
        String value = "a b=c%d\nü";
        Message m = new Message("VERB").put("k", value).put("item", "1").put("item", "2");
        String line = m.format();
        assertFalse(line.substring("VERB ".length()).contains(" k=a b"), line);
        assertEquals("VERB k=a%20b%3Dc%25d%0A%C3%BC item=1 item=2", line);
        Message back = Message.parse(line);
        assertEquals(value, back.get("k"));
        assertEquals(List.of("1", "2"), back.all("item"));
    }

    @Test
    void unsigned64BitNumbers() {
        assertEquals(-1L, Message.parse("X length=18446744073709551615").getLong("length"));
    }
}

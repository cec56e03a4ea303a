package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The azlhsm_fid index tag: its value (tag values may not hold brackets) and the Find Blobs by Tags expression. */
class FidTagsTest {
    @Test
    void theTagIsTheFidWithoutBrackets() {
        FidTags tags = new FidTags();
        assertEquals(Map.of("azlhsm_fid", "0x200000401:0x1a:0x0"),
                tags.tagsFor(Map.of("owner", "0", "AZLHSM_FID", "[0x200000401:0x1a:0x0]")));
        assertNull(tags.tagsFor(Map.of("owner", "0")), "no FID, no tag");
    }

    @Test
    void theQueryQuotesKeyAndValue() {
        assertEquals("\"azlhsm_fid\" = '0x200000401:0x1a:0x0'", FidTags.query("[0x200000401:0x1a:0x0]"));
        assertEquals(FidTags.query("[0x1:0x2:0x0]"), FidTags.query("0x1:0x2:0x0"));
    }

    @Test
    void onlyFidCharactersReachAQuery() {
        assertThrows(IllegalArgumentException.class, () -> FidTags.query("0x1' or 'a'='a"));
    }
}

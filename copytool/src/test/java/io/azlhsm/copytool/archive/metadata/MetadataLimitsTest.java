package io.azlhsm.copytool.archive.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataLimitsTest {

    @Test
    void exactlyEightKibOfNamesAndValuesIsAllowedAndOneByteMoreIsTooLarge() throws Exception {
        String name = "padding";
        MetadataLimits.check("obj", Map.of(name, "v".repeat(8192 - name.length())));
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> MetadataLimits.check("obj", Map.of(name, "v".repeat(8193 - name.length()))));
        assertEquals(Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("obj") && e.getMessage().contains("8193"), e.getMessage());
    }

    @Test
    void namesCountTowardsTheLimit() {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            metadata.put("a_rather_long_metadata_name_" + i, "");
        }
        assertEquals(Kind.TOO_LARGE, assertThrows(ArchiveException.class,
                () -> MetadataLimits.check("obj", metadata)).kind());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"with-dash", "1leading_digit", "has space", "dot.ted", "", "ümlaut", "9", "a-", "a b", "_-"})
    void namesMustBeCSharpIdentifiers(String name) {
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> MetadataLimits.check("obj", Map.of(name, "x"))).kind());
    }

    @Test
    void validIdentifiersPass() throws Exception {
        MetadataLimits.check("obj", Map.of("_x", "1", "hdi_isfolder", "true", "azlhsm_mtime_ns", "5", "A9", ""));
    }

    @Test
    void namesDifferingOnlyInCaseClash() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("owner", "1");
        metadata.put("Owner", "2");
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> MetadataLimits.check("obj", metadata)).kind());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"line\nbreak", "tab\t", "non-ascii é", " leading", "trailing "})
    void valuesMustSurviveAsHttpHeaders(String value) {
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> MetadataLimits.check("obj", Map.of("key", value))).kind());
    }
}

package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** lemur's file ids as its az mover reads them (wastore/lemur cmd/lhsm-plugin-az/mover.go:74-89). */
class LemurFileIdTest {
    @Test
    void anAzUrlNamesAContainerAndTheWholeBlobName() {
        LemurFileId id = LemurFileId.parse("az://hydrated/data/run 1/a%20b?.bin");
        assertEquals(Optional.of("hydrated"), id.container());
        assertEquals("data/run 1/a%20b?.bin", id.name(), "as the hydrator wrote it, not URL-decoded");
    }

    @Test
    void anythingElseIsAPathUnderTheArchivePrefix() {
        LemurFileId id = LemurFileId.parse("projects/x/f.dat");
        assertEquals(Optional.empty(), id.container());
        assertEquals("projects/x/f.dat", id.name());
    }

    @Test
    void otherUrlsAbsolutePathsAndBrokenIdsAreRefused() {
        for (String bad : List.of("https://acct.blob.core.windows.net/c/x", "/abs/path", "az://", "az://c",
                "az://c/", "az:///x", "", "a\nb", "s3:bucket/x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LemurFileId.parse(bad),
                    bad);
            assertTrue(!e.getMessage().isEmpty());
        }
    }

    @Test
    void theDeepestHydratorRootHoldingAPathGivesItsBlobName() {
        ForeignNaming naming = new ForeignNaming(Optional.of("c"), List.of("", "projects", "projects/a"));
        assertEquals("f", naming.hydratorName("projects/a/f").orElseThrow().blob());
        assertEquals("projects/a", naming.hydratorName("projects/a/f").orElseThrow().root());
        assertEquals("ab/f", naming.hydratorName("projects/ab/f").orElseThrow().blob(), "a root is a whole segment");
        assertEquals("top", naming.hydratorName("top").orElseThrow().blob(), "the mount root names the whole path");
        ForeignNaming one = new ForeignNaming(Optional.of("c"), List.of("projects/a"));
        assertTrue(one.hydratorName("projects/ab/f").isEmpty());
        assertTrue(one.hydratorName("elsewhere/f").isEmpty());
        assertTrue(ForeignNaming.NONE.hydratorName("projects/a/f").isEmpty());
    }
}

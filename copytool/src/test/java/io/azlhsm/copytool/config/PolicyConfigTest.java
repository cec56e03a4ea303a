package io.azlhsm.copytool.config;

import static io.azlhsm.copytool.config.CopytoolConfigTest.failure;
import static io.azlhsm.copytool.config.CopytoolConfigTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policy engine's keys: the release rule is off until a high watermark is set; every key is checked. */
class PolicyConfigTest {
    private static final String MINIMAL = """
            mount = /mnt/lustre
            archive.1.type = posix
            archive.1.root = /srv/archive
            """;

    @Test
    void withoutAHighWatermarkNothingIsReleased() throws Exception {
        assertEquals(PolicySettings.defaults(), parse(MINIMAL).policy());
        assertEquals(Optional.empty(), parse(MINIMAL + "policy.release.low_watermark = 60\n").policy().release());
    }

    @Test
    void theReleaseRuleTakesItsKeys() throws Exception {
        PolicySettings policy = parse(MINIMAL + """
                policy.interval = 30s
                policy.release.high_watermark = 85%
                policy.release.low_watermark = 70
                policy.release.paths = /scratch, projects
                policy.release.never = /scratch/keep
                policy.release.min_age = 48h
                policy.release.min_size = 1MiB
                """).policy();
        assertEquals(new PolicySettings(Duration.ofSeconds(30), Optional.of(new PolicySettings.ReleaseRule(85, 70,
                List.of("/scratch", "projects"), List.of("/scratch/keep"), Duration.ofHours(48), 1L << 20))),
                policy);
        PolicySettings.ReleaseRule defaults = parse(MINIMAL + "policy.release.high_watermark = 90\n").policy()
                .release().orElseThrow();
        assertEquals(new PolicySettings.ReleaseRule(90, 70, List.of("/"), List.of(), Duration.ZERO, 0), defaults);
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        ConfigException low = failure(MINIMAL + "policy.release.high_watermark = 60\npolicy.release.low_watermark = 60\n");
        assertEquals("policy.release.low_watermark", low.key());
        assertTrue(low.getMessage().contains("must be below policy.release.high_watermark (60%)"), low.getMessage());
        ConfigException percent = failure(MINIMAL + "policy.release.high_watermark = 101\n");
        assertEquals("policy.release.high_watermark", percent.key());
        assertTrue(percent.getMessage().contains("from 1 to 100"), percent.getMessage());
        ConfigException off = failure(MINIMAL + "policy.release.min_age = soon\n");
        assertEquals("policy.release.min_age", off.key(), "checked while the rule is off too");
        ConfigException typo = failure(MINIMAL + "policy.release.high_watermak = 85\n");
        assertTrue(typo.getMessage().contains("did you mean 'policy.release.high_watermark'"), typo.getMessage());
    }
}

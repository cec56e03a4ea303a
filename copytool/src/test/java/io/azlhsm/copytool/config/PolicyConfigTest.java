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
        ConfigException low = failure(MINIMAL + "policy.release.high_watermark = 60\n"
                + "policy.release.low_watermark = 60\n");
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

    @Test
    void poolsTakeTheRulesWatermarksOrTheirOwn() throws Exception {
        PolicySettings.ReleaseRule rule = parse(MINIMAL + """
                policy.release.high_watermark = 85
                policy.release.pools = lustre.flash:80:60, lustre.disk
                """).policy().release().orElseThrow();
        assertEquals(List.of(new PolicySettings.PoolWatermarks("lustre", "flash", 80, 60),
                new PolicySettings.PoolWatermarks("lustre", "disk", 85, 70)), rule.pools());
        for (String bad : List.of("flash", "lustre.", ".flash", "lustre.flash:80", "lustre.flash:60:80",
                "lustre.flash:80:x", "lustre.a16charpoolname0", "lustre.flash, lustre.flash")) {
            ConfigException e = failure(MINIMAL + "policy.release.pools = " + bad + "\n");
            assertEquals("policy.release.pools", e.key(), bad + " (checked while the rule is off too)");
        }
    }

    @Test
    void theArchiveRuleTakesItsKeysAndNeedsTheChangelogUsers() throws Exception {
        PolicySettings policy = parse(MINIMAL + """
                policy.archive.after = 30m
                policy.archive.changelog_users = lustre-MDT0000=cl1, lustre-MDT0001=cl2
                policy.archive.paths = /projects
                policy.archive.names = *.h5, *.nc
                policy.archive.min_size = 1KiB
                policy.archive.max_size = 1GiB
                policy.archive.archive_id = 1
                policy.archive.scan_interval = 12h
                """).policy();
        assertEquals(Optional.of(new PolicySettings.ArchiveRule(Duration.ofMinutes(30), List.of("/projects"),
                List.of("*.h5", "*.nc"), 1024, 1L << 30, 1, List.of("lustre-MDT0000=cl1", "lustre-MDT0001=cl2"),
                Duration.ofHours(12))), policy.archive());
        assertEquals(Optional.empty(), parse(MINIMAL + "policy.archive.paths = /x\n").policy().archive());
        ConfigException users = failure(MINIMAL + "policy.archive.after = 30m\n");
        assertEquals("policy.archive.changelog_users", users.key());
        assertTrue(users.getMessage().contains("changelog_register"), users.getMessage());
        ConfigException bounds = failure(MINIMAL + "policy.archive.min_size = 2MiB\n"
                + "policy.archive.max_size = 1MiB\n");
        assertEquals("policy.archive.max_size", bounds.key());
    }
}

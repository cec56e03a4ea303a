package io.azlhsm.copytool.config;

import static io.azlhsm.copytool.config.CopytoolConfigTest.failure;
import static io.azlhsm.copytool.config.CopytoolConfigTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.archive.TierSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code archive.N.access_tier} and the rehydration keys: parsed, defaulted, and refused at start when wrong. */
class TierConfigTest {
    private static final String AZURE = "mount = /mnt/lustre\narchive.1.type = azure\narchive.1.container = ctr\n"
            + "archive.1.connection_string = UseDevelopmentStorage=true\n";

    @Test
    void noTierIsSentByDefaultAndRehydrationGoesToHotAtStandardPriority() throws Exception {
        TierSettings tiers = parse(AZURE).archives().get(1).tiers();
        assertEquals(Optional.empty(), tiers.accessTier(), "default: the account's default tier, none sent");
        assertEquals(StorageTier.HOT, tiers.rehydrateTier());
        assertFalse(tiers.highPriority());
        assertEquals(Duration.ofMinutes(1), tiers.rehydratePoll());
    }

    @Test
    void everyTierAndPriorityIsAccepted() throws Exception {
        for (StorageTier tier : StorageTier.values()) {
            TierSettings tiers = parse(AZURE + "archive.1.access_tier = " + tier.configName() + "\n"
                    + "archive.1.rehydrate_tier = cool\narchive.1.rehydrate_priority = high\n"
                    + "archive.1.rehydrate_poll_interval = 5m\n").archives().get(1).tiers();
            assertEquals(Optional.of(tier), tiers.accessTier());
            assertEquals(StorageTier.COOL, tiers.rehydrateTier());
            assertTrue(tiers.highPriority());
            assertEquals(Duration.ofMinutes(5), tiers.rehydratePoll());
        }
    }

    @Test
    void anUnknownTierStopsTheAgentNamingTheKey() {
        ConfigException e = failure(AZURE + "archive.1.access_tier = glacier\n");
        assertEquals("archive.1.access_tier", e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("'glacier' is not an access tier"), e.getMessage());

        e = failure(AZURE + "archive.1.rehydrate_tier = archive\n");
        assertEquals("archive.1.rehydrate_tier", e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("not an online tier"), e.getMessage());

        e = failure(AZURE + "archive.1.rehydrate_priority = urgent\n");
        assertEquals("archive.1.rehydrate_priority", e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("use standard or high"), e.getMessage());
    }

    @Test
    void tiersApplyOnlyToAzureArchives() {
        ConfigException e = failure("mount = /mnt/lustre\narchive.1.type = posix\narchive.1.root = /srv/a\n"
                + "archive.1.access_tier = cool\n");
        assertEquals("archive.1.access_tier", e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("applies only to type azure"), e.getMessage());
    }

    @Test
    void aMisspeltTierKeyIsSuggested() {
        ConfigException e = failure(AZURE + "archive.1.acces_tier = cool\n");
        assertTrue(e.getMessage().contains("did you mean 'archive.1.access_tier'?"), e.getMessage());
    }
}

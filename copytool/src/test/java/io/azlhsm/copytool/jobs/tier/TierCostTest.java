package io.azlhsm.copytool.jobs.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.config.TierPrices;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monthly cost estimate from a tier job's "bytes moved from T" counters and the price table. */
class TierCostTest {
    private static final long GIB = 1L << 30;

    @Test
    void beforeIsEachSourceTiersPriceAndAfterTheTargetsForAllTheBytes() {
        Map<String, Long> counters = Map.of(TierJob.bytesMovedFrom(StorageTier.HOT), 100 * GIB,
                TierJob.bytesMovedFrom(StorageTier.COOL), 50 * GIB, TierJob.MOVED, 7L);
        TierCost cost = TierCost.of(counters, StorageTier.ARCHIVE, TierPrices.DEFAULTS);
        assertEquals(0, new BigDecimal("2.30").compareTo(cost.before()), cost.toString()); // 100 x 0.018 + 50 x 0.01
        assertEquals(0, new BigDecimal("0.30").compareTo(cost.after()), cost.toString()); // 150 x 0.002
        assertEquals("estimated monthly storage cost of the moved blobs: 2.30 USD before, 0.30 USD after (2.00 USD"
                + " saved; capacity only, prices tier.price.* per GiB-month)", cost.describe());
    }

    @Test
    void smallAmountsKeepSixDecimalsAndNothingMovedCostsNothing() {
        TierCost small = TierCost.of(Map.of(TierJob.bytesMovedFrom(StorageTier.HOT), GIB / 1000), StorageTier.COOL,
                TierPrices.DEFAULTS);
        assertEquals("estimated monthly storage cost of the moved blobs: 0.000018 USD before, 0.000010 USD after"
                + " (0.000008 USD saved; capacity only, prices tier.price.* per GiB-month)", small.describe());
        TierCost none = TierCost.of(Map.of(), StorageTier.COOL, TierPrices.DEFAULTS);
        assertEquals(0, none.before().signum());
        assertEquals(0, none.after().signum());
    }
}

package io.azlhsm.copytool.jobs.tier;

import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.config.TierPrices;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;

/**
 * The monthly storage cost of the blobs a tier job moved, before (in the tiers they came from) and after (in the
 * tier they went to), from the {@linkplain TierPrices price table} and the job's "bytes moved from T" counters: only
 * the capacity charge of the moved bytes, so the difference is what the move saves a month.
 *
 * @param before   the moved bytes' monthly cost in their former tiers
 * @param after    their monthly cost in the new tier
 * @param currency the price table's currency label
 */
public record TierCost(BigDecimal before, BigDecimal after, String currency) {
    private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);

    /** From a tier job's counters (as {@code copytool jobs} and the job's outcome hold them). */
    public static TierCost of(Map<String, Long> counters, StorageTier to, TierPrices prices) {
        BigDecimal before = BigDecimal.ZERO;
        BigDecimal after = BigDecimal.ZERO;
        for (StorageTier from : StorageTier.values()) {
            long bytes = counters.getOrDefault(TierJob.bytesMovedFrom(from), 0L);
            BigDecimal gib = BigDecimal.valueOf(bytes).divide(GIB, MathContext.DECIMAL64);
            before = before.add(gib.multiply(prices.price(from)));
            after = after.add(gib.multiply(prices.price(to)));
        }
        return new TierCost(before, after, prices.currency());
    }

    /** What the move saves a month (negative if it costs more). */
    public BigDecimal saving() {
        return before.subtract(after);
    }

    /** "estimated monthly storage cost of the moved blobs: 12.34 USD before, 6.78 USD after (5.56 USD saved; ...)". */
    public String describe() {
        // cents for bills; six decimals throughout when the amounts are those of a small tree
        int scale = before.max(after).compareTo(BigDecimal.ONE) >= 0 ? 2 : 6;
        return "estimated monthly storage cost of the moved blobs: " + amount(before, scale) + " before, "
                + amount(after, scale) + " after (" + amount(saving().abs(), scale)
                + (saving().signum() < 0 ? " more" : " saved") + "; capacity only, prices tier.price.* per GiB-month)";
    }

    private String amount(BigDecimal value, int scale) {
        return value.setScale(scale, RoundingMode.HALF_UP).toPlainString() + " " + currency;
    }
}

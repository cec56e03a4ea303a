package io.azlhsm.copytool.config;

import static io.azlhsm.copytool.config.CopytoolConfigTest.failure;
import static io.azlhsm.copytool.config.CopytoolConfigTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.StorageTier;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** {@code tier.price.*}: the price table of {@code copytool tier}, defaulted, editable, refused when not a price. */
class TierPricesConfigTest {
    private static final String MINIMAL = "mount = /mnt/lustre\narchive.1.type = posix\narchive.1.root = /srv/a\n";

    @Test
    void theDefaultsAreTheDocumentedListPricesInUsd() throws Exception {
        TierPrices prices = parse(MINIMAL).tierPrices();
        assertEquals(TierPrices.DEFAULTS, prices);
        assertEquals("USD", prices.currency());
        assertEquals(new BigDecimal("0.018"), prices.price(StorageTier.HOT));
        assertEquals(new BigDecimal("0.002"), prices.price(StorageTier.ARCHIVE));
    }

    @Test
    void eachPriceAndTheCurrencyCanBeEdited() throws Exception {
        CopytoolConfig config = parse(MINIMAL + "tier.price.currency = EUR\ntier.price.cool = 0.0095\n");
        assertEquals("EUR", config.tierPrices().currency());
        assertEquals(new BigDecimal("0.0095"), config.tierPrices().price(StorageTier.COOL));
        assertEquals(TierPrices.DEFAULTS.price(StorageTier.HOT), config.tierPrices().price(StorageTier.HOT));
        assertTrue(config.summary().contains("tier.price.currency=EUR tier.price.cool=0.0095"), config.summary());
    }

    @Test
    void aPriceThatIsNotOneIsRefusedNamingTheKey() {
        ConfigException e = failure(MINIMAL + "tier.price.hot = 1.8 cents\n");
        assertEquals("tier.price.hot", e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("not a price per GiB-month"), e.getMessage());
        e = failure(MINIMAL + "tier.price.archive = -1\n");
        assertEquals("tier.price.archive", e.key(), e.getMessage());
        e = failure(MINIMAL + "tier.price.glacier = 0.001\n");
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    }
}

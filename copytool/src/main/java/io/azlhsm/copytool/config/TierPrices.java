package io.azlhsm.copytool.config;

import io.azlhsm.copytool.archive.StorageTier;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The price table {@code copytool tier} estimates a monthly storage cost from ({@code tier.price.<tier>}, per GiB
 * and month, in {@code tier.price.currency}). Only the capacity charge: transactions, reads, early deletion and
 * rehydration are not in it. The defaults are Azure's published list prices for LRS block blobs, and they change and
 * differ by region, redundancy and agreement: edit them in the configuration ({@code conf/copytool.properties} says
 * where they are from and when).
 *
 * @param currency     a label printed with the amounts (USD by default); nothing is converted
 * @param perGibMonth  price of storing one GiB for a month, per tier; every tier present
 */
public record TierPrices(String currency, Map<StorageTier, BigDecimal> perGibMonth) {
    /** Azure list prices, LRS, flat namespace, first 50 TB/month, US East, pay-as-you-go; see the conf file. */
    public static final TierPrices DEFAULTS = new TierPrices("USD", Map.of(
            StorageTier.HOT, new BigDecimal("0.018"),
            StorageTier.COOL, new BigDecimal("0.01"),
            StorageTier.COLD, new BigDecimal("0.0036"),
            StorageTier.ARCHIVE, new BigDecimal("0.002")));

    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{1,8}");

    public TierPrices {
        Objects.requireNonNull(currency, "currency");
        EnumMap<StorageTier, BigDecimal> copy = new EnumMap<>(StorageTier.class);
        copy.putAll(perGibMonth);
        for (StorageTier tier : StorageTier.values()) {
            if (!copy.containsKey(tier)) {
                throw new IllegalArgumentException("no price for tier " + tier.configName());
            }
        }
        perGibMonth = Collections.unmodifiableMap(copy);
    }

    /** The price of one GiB-month in {@code tier}. */
    public BigDecimal price(StorageTier tier) {
        return perGibMonth.get(tier);
    }

    static TierPrices parse(ConfigReader config) throws ConfigException {
        String currency = config.nonEmpty(KeyCatalog.TIER_PRICE_CURRENCY).map(String::trim)
                .orElse(DEFAULTS.currency());
        if (!CURRENCY.matcher(currency).matches()) {
            throw config.invalid(KeyCatalog.TIER_PRICE_CURRENCY, "must be a short currency label such as USD or EUR");
        }
        EnumMap<StorageTier, BigDecimal> prices = new EnumMap<>(StorageTier.class);
        for (StorageTier tier : StorageTier.values()) {
            String key = KeyCatalog.TIER_PRICE_PREFIX + tier.configName();
            Optional<String> text = config.nonEmpty(key);
            if (text.isEmpty()) {
                prices.put(tier, DEFAULTS.price(tier));
                continue;
            }
            BigDecimal price;
            try {
                price = new BigDecimal(text.get().trim());
            } catch (NumberFormatException e) {
                throw config.invalid(key, "is not a price per GiB-month (a decimal number such as 0.01)");
            }
            if (price.signum() < 0) {
                throw config.invalid(key, "must not be negative");
            }
            prices.put(tier, price);
        }
        return new TierPrices(currency, prices);
    }

    /** For the configuration's log line: only what differs from the defaults. */
    String summary() {
        StringBuilder text = new StringBuilder();
        if (!currency.equals(DEFAULTS.currency())) {
            text.append(' ').append(KeyCatalog.TIER_PRICE_CURRENCY).append('=').append(currency);
        }
        for (StorageTier tier : StorageTier.values()) {
            if (price(tier).compareTo(DEFAULTS.price(tier)) != 0) {
                text.append(' ').append(KeyCatalog.TIER_PRICE_PREFIX).append(tier.configName()).append('=')
                        .append(price(tier).toPlainString());
            }
        }
        return text.toString();
    }
}

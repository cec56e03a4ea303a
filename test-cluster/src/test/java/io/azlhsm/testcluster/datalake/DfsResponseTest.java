package io.azlhsm.testcluster.datalake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DfsResponseTest {
    @Test
    void httpDatesHaveATwoDigitDayInGmtAsTheServiceSendsThem() {
        assertEquals("Mon, 07 Dec 2026 00:05:09 GMT",
                DfsResponse.httpDate(OffsetDateTime.of(2026, 12, 7, 1, 5, 9, 0, ZoneOffset.ofHours(1))));
    }
}

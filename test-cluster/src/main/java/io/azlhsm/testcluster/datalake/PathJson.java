package io.azlhsm.testcluster.datalake;

import java.time.OffsetDateTime;

/**
 * One entry of Path - List's body as the service writes it: every value a JSON string ({@code "contentLength":"0"},
 * {@code "isDirectory":"true"}, the latter only for directories), creationTime in Windows file-time ticks, the ETag
 * without quotes.
 */
final class PathJson {
    /** 100 ns ticks from 1601-01-01 to 1970-01-01. */
    private static final long EPOCH_TICKS = 116_444_736_000_000_000L;

    private PathJson() {
    }

    static void append(StringBuilder json, PathRecord path) {
        json.append("{\"contentLength\":\"").append(path.contentLength()).append('"');
        json.append(",\"creationTime\":\"").append(ticks(path.creationTime())).append('"');
        json.append(",\"etag\":\"").append(escape(path.etag().replace("\"", ""))).append('"');
        json.append(",\"expiryTime\":\"0\"");
        json.append(",\"group\":\"").append(escape(path.group())).append('"');
        if (path.directory()) {
            json.append(",\"isDirectory\":\"true\"");
        }
        json.append(",\"lastModified\":\"").append(DfsResponse.httpDate(path.lastModified())).append('"');
        json.append(",\"name\":\"").append(escape(path.name())).append('"');
        json.append(",\"owner\":\"").append(escape(path.owner())).append('"');
        json.append(",\"permissions\":\"").append(escape(path.access().symbolic())).append('"');
        json.append('}');
    }

    private static long ticks(OffsetDateTime time) {
        if (time == null) {
            return 0;
        }
        return EPOCH_TICKS + time.toEpochSecond() * 10_000_000L + time.getNano() / 100;
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}

package io.azlhsm.copytool.jobs.check;

/** CSV fields as RFC 4180 writes them: quoted when they hold a comma, quote or line break, quotes doubled. */
final class CsvText {
    private CsvText() {
    }

    static String field(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    static String line(String... fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(fields[i]));
        }
        return out.append("\r\n").toString();
    }
}

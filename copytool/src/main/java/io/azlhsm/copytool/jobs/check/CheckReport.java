package io.azlhsm.copytool.jobs.check;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the check's report: a JSON document
 * {@code {"counts": {...}, "bytes": {...}, "items": [{"class", "kind", "path", "fid", "blob", "detail"}, ...]}} listing
 * every item that is not ok or not-archived, lost files first, and a CSV of the same items (path, fid, blob, class,
 * detail) beside it, as FSx writes its task failure reports. Items are spilled to scratch files beside the report as
 * they are judged (memory stays bounded however many there are) and assembled at the end; both files appear by
 * rename, whole or not at all.
 */
final class CheckReport implements AutoCloseable {
    private final Path json;
    private final Path csv;
    private final CheckTally tally = new CheckTally();
    private final List<Path> scratch = new ArrayList<>();
    private final BufferedWriter lostJson;
    private final BufferedWriter otherJson;
    private final BufferedWriter lostCsv;
    private final BufferedWriter otherCsv;
    private String collected;
    private boolean firstLost = true;
    private boolean firstOther = true;

    CheckReport(Path json) throws IOException {
        this.json = json.toAbsolutePath();
        this.csv = csvBeside(this.json);
        Files.createDirectories(this.json.getParent());
        lostJson = scratchWriter("lost.json");
        otherJson = scratchWriter("other.json");
        lostCsv = scratchWriter("lost.csv");
        otherCsv = scratchWriter("other.csv");
    }

    /** {@code x.json} gives {@code x.csv}; any other name gets {@code .csv} added. */
    static Path csvBeside(Path json) {
        String name = json.getFileName().toString();
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(base + ".csv");
    }

    Path jsonFile() {
        return json;
    }

    Path csvFile() {
        return csv;
    }

    CheckTally tally() {
        return tally;
    }

    /** Counts the item; lists it when its class is listed. */
    synchronized void add(CheckItem item) throws IOException {
        tally.add(item);
        if (!item.checkClass().listed()) {
            return;
        }
        boolean lost = item.checkClass() == CheckClass.LOST;
        BufferedWriter j = lost ? lostJson : otherJson;
        if (!(lost ? firstLost : firstOther)) {
            j.write(",\n");
        }
        if (lost) {
            firstLost = false;
        } else {
            firstOther = false;
        }
        j.write("    {\"class\": " + JsonText.quote(item.checkClass().label()) + ", \"kind\": "
                + (item.isFile() ? "\"file\"" : "\"blob\"") + ", \"path\": "
                + JsonText.quote(item.path()) + ", \"fid\": " + JsonText.quote(item.fid()) + ", \"blob\": "
                + JsonText.quote(item.blob()) + ", \"detail\": " + JsonText.quote(item.detail()) + "}");
        (lost ? lostCsv : otherCsv).write(CsvText.line(item.path(), item.fid(), item.blob(),
                item.checkClass().label(), item.detail()));
    }

    /** {@code --collect-orphans}: what was deleted, for the report's "collected" object. */
    synchronized void collected(long orphans, long orphanBytes, long preserved, long preservedBytes) {
        collected = "{\"orphan blobs\": " + orphans + ", \"orphan bytes\": " + orphanBytes
                + ", \"preserved copies\": " + preserved + ", \"preserved bytes\": " + preservedBytes + "}";
    }

    synchronized void error() {
        tally.error();
    }

    /**
     * Writes the report and the CSV.
     *
     * @param header fields written first (job id, path, archive, times), in order
     */
    synchronized void finish(Map<String, String> header) throws IOException {
        for (BufferedWriter w : List.of(lostJson, otherJson, lostCsv, otherCsv)) {
            w.close();
        }
        Path jsonPart = json.resolveSibling("." + json.getFileName() + ".part");
        try (Writer out = Files.newBufferedWriter(jsonPart, StandardCharsets.UTF_8)) {
            out.write("{\n");
            for (Map.Entry<String, String> field : header.entrySet()) {
                out.write("  " + JsonText.quote(field.getKey()) + ": " + JsonText.quote(field.getValue()) + ",\n");
            }
            out.write("  \"checked\": {\"files\": " + tally.files() + ", \"blobs\": " + tally.blobs() + "},\n");
            out.write("  \"errors\": " + tally.errors() + ",\n");
            if (collected != null) {
                out.write("  \"collected\": " + collected + ",\n");
            }
            out.write("  \"counts\": {" + perClass(false) + "},\n");
            out.write("  \"bytes\": {" + perClass(true) + "},\n");
            out.write("  \"items\": [\n");
            copy(scratch.get(0), out);
            if (!firstLost && !firstOther) {
                out.write(",\n");
            }
            copy(scratch.get(1), out);
            out.write(firstLost && firstOther ? "  ]\n}\n" : "\n  ]\n}\n");
        }
        Path csvPart = csv.resolveSibling("." + csv.getFileName() + ".part");
        try (Writer out = Files.newBufferedWriter(csvPart, StandardCharsets.UTF_8)) {
            out.write(CsvText.line("path", "fid", "blob", "class", "detail"));
            copy(scratch.get(2), out);
            copy(scratch.get(3), out);
        }
        Files.move(csvPart, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(jsonPart, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String perClass(boolean bytes) {
        StringBuilder out = new StringBuilder();
        for (CheckClass c : CheckClass.values()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(JsonText.quote(c.label())).append(": ").append(bytes ? tally.bytes(c) : tally.count(c));
        }
        return out.toString();
    }

    private static void copy(Path from, Writer to) throws IOException {
        try (Reader in = Files.newBufferedReader(from, StandardCharsets.UTF_8)) {
            in.transferTo(to);
        }
    }

    private BufferedWriter scratchWriter(String suffix) throws IOException {
        Path file = json.resolveSibling("." + json.getFileName() + "." + suffix);
        scratch.add(file);
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    /** Deletes the scratch files (the report stays). */
    @Override
    public synchronized void close() {
        for (BufferedWriter w : List.of(lostJson, otherJson, lostCsv, otherCsv)) {
            try {
                w.close();
            } catch (IOException ignored) {
                // deleted below
            }
        }
        for (Path file : scratch) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover dot-file beside the report; the next check overwrites it
            }
        }
    }
}

package io.azlhsm.copytool.jobs.check;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A check's JSON report read back for assertions (parsed by a JSON library, not by the code that wrote it). */
record CheckReportFile(Map<String, Object> document) {
    @SuppressWarnings("unchecked")
    static CheckReportFile read(Path file) throws Exception {
        try (JsonReader reader = JsonProviders.createReader(Files.readString(file, StandardCharsets.UTF_8))) {
            reader.nextToken();
            return new CheckReportFile((Map<String, Object>) reader.readUntyped());
        }
    }

    @SuppressWarnings("unchecked")
    long count(String checkClass) {
        return ((Number) ((Map<String, Object>) document.get("counts")).get(checkClass)).longValue();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items() {
        return (List<Map<String, Object>>) document.get("items");
    }

    /** "kind path" to class, e.g. "file chk/a" to "lost", for every listed item. */
    Map<String, String> classes() {
        return items().stream().collect(Collectors.toMap(i -> i.get("kind") + " " + i.get("path"),
                i -> (String) i.get("class")));
    }

    Map<String, Object> item(String kind, String path) {
        return items().stream().filter(i -> kind.equals(i.get("kind")) && path.equals(i.get("path"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " item " + path + " in " + items()));
    }
}

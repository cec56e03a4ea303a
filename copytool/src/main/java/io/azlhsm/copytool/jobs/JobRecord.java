package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code copytool jobs} shows about one job, while it runs and after: kind, state, parameters, counters, times,
 * where it runs, and the checkpoint a resumed run continues from. Stored as a properties text whose keys keep the
 * counters' order through an index ({@code counter.3.name}).
 *
 * @param heartbeat when the running job last wrote its record (another host judges a lock stale by it)
 * @param crashed   true once a later start found the job's process gone: it may be resumed
 * @param message   AMLFS's status message: why it failed, or a short summary
 * @param generation the job lock generation of the run that wrote it (0: written by no running job, or before
 *                   fencing); see {@link JobFence}
 */
public record JobRecord(String id, JobKind kind, JobState state, Map<String, String> parameters,
                        Map<String, Long> counters, Map<String, String> checkpoint, Instant started, Instant ended,
                        Instant heartbeat, String host, long pid, boolean crashed, String message, long generation) {

    /** A record written by no running job (generation 0). */
    public JobRecord(String id, JobKind kind, JobState state, Map<String, String> parameters,
                     Map<String, Long> counters, Map<String, String> checkpoint, Instant started, Instant ended,
                     Instant heartbeat, String host, long pid, boolean crashed, String message) {
        this(id, kind, state, parameters, counters, checkpoint, started, ended, heartbeat, host, pid, crashed, message,
                0);
    }

    public JobRecord {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        counters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        checkpoint = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checkpoint));
        message = message == null ? "" : message;
    }

    JobRecord with(JobState newState, Instant newEnded, boolean newCrashed, String newMessage) {
        return new JobRecord(id, kind, newState, parameters, counters, checkpoint, started, newEnded, heartbeat, host,
                pid, newCrashed, newMessage, generation);
    }

    String encode() {
        Properties p = new Properties();
        p.setProperty("id", id);
        p.setProperty("kind", kind.name());
        p.setProperty("state", state.name());
        p.setProperty("started", started.toString());
        if (ended != null) {
            p.setProperty("ended", ended.toString());
        }
        p.setProperty("heartbeat", heartbeat.toString());
        p.setProperty("host", host);
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("crashed", Boolean.toString(crashed));
        p.setProperty("message", message);
        p.setProperty("generation", Long.toString(generation));
        putIndexed(p, "parameter", parameters);
        Map<String, String> counterText = new LinkedHashMap<>();
        counters.forEach((k, v) -> counterText.put(k, Long.toString(v)));
        putIndexed(p, "counter", counterText);
        putIndexed(p, "checkpoint", checkpoint);
        StringWriter text = new StringWriter();
        try {
            p.store(text, "azlhsm job record");
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return text.toString();
    }

    private static void putIndexed(Properties p, String group, Map<String, String> values) {
        int i = 0;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            p.setProperty(group + "." + i + ".name", entry.getKey());
            p.setProperty(group + "." + i + ".value", entry.getValue());
            i++;
        }
    }

    private static Map<String, String> getIndexed(Properties p, String group) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; p.containsKey(group + "." + i + ".name"); i++) {
            values.put(p.getProperty(group + "." + i + ".name"), p.getProperty(group + "." + i + ".value", ""));
        }
        return values;
    }

    /** Parses {@link #encode()}'s text; IllegalArgumentException names what is missing or malformed. */
    static JobRecord decode(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("unreadable job record: " + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        for (String key : List.of("id", "kind", "state", "started", "heartbeat", "host", "pid")) {
            if (!p.containsKey(key)) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("job record lacks " + missing);
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        getIndexed(p, "counter").forEach((k, v) -> counters.put(k, Long.parseLong(v)));
        String ended = p.getProperty("ended");
        return new JobRecord(p.getProperty("id"), JobKind.valueOf(p.getProperty("kind")),
                JobState.valueOf(p.getProperty("state")), getIndexed(p, "parameter"), counters,
                getIndexed(p, "checkpoint"), Instant.parse(p.getProperty("started")),
                ended == null ? null : Instant.parse(ended), Instant.parse(p.getProperty("heartbeat")),
                p.getProperty("host"), Long.parseLong(p.getProperty("pid")),
                Boolean.parseBoolean(p.getProperty("crashed", "false")), p.getProperty("message", ""),
                Long.parseLong(p.getProperty("generation", "0")));
    }
}

package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coordinator's persistent action log (the MDT's hsm_actions llog), so that a restarted coordinator finds what
 * was waiting and running. A journal: each change appends the record's new line ("DEL cookie" when a record is
 * purged); loading replays it, the last line of a cookie winning. It is compacted (rewritten with the live records
 * only) when it has grown well past them, so a busy coordinator writes little per change.
 */
final class ActionLog {
    private static final String DELETED = "DEL";

    private final Path file;
    /**
     * What the journal says about each live cookie: the record's fields that can change after it is created, as last
     * written. Comparing these, rather than formatting every record's line on every change, keeps a save cheap while
     * thousands of finished records wait to be purged.
     */
    private final Map<Long, Written> written = new HashMap<>();
    private long journalLines;
    private FileChannel appender;

    /** The mutable part of a record's line; the rest of the line is fixed at creation. */
    private record Written(Fid dataFid, RequestStatus status, long finishedMillis, long changedMillis) {
        static Written of(ActionRecord r) {
            return new Written(r.dataFid, r.status, r.finishedMillis, r.changedMillis);
        }

        boolean matches(ActionRecord r) {
            return status == r.status && finishedMillis == r.finishedMillis && changedMillis == r.changedMillis
                    && dataFid.equals(r.dataFid);
        }
    }

    ActionLog(Path file) {
        this.file = file;
    }

    /** Appends what changed since the last call; records is every live record. */
    void sync(Collection<ActionRecord> records) {
        List<Long> removed = new ArrayList<>();
        if (written.size() > records.size()) {
            // some cookie written before is no longer live: purged
            Set<Long> live = new HashSet<>(records.size() * 2);
            records.forEach(r -> live.add(r.cookie));
            for (Long cookie : written.keySet()) {
                if (!live.contains(cookie)) {
                    removed.add(cookie);
                }
            }
        }
        sync(records, removed, records);
    }

    /**
     * Appends what changed since the last call, told rather than searched for: candidates are the live records that
     * may have changed (in log order; those that did not are skipped), removed the cookies no longer live, live every
     * live record (in log order, for a compaction).
     */
    void sync(Collection<ActionRecord> candidates, Collection<Long> removed, Collection<ActionRecord> live) {
        StringBuilder out = new StringBuilder();
        for (ActionRecord r : candidates) {
            Written before = written.get(r.cookie);
            if (before == null || !before.matches(r)) {
                written.put(r.cookie, Written.of(r));
                out.append(line(r)).append('\n');
                journalLines++;
            }
        }
        for (Long cookie : removed) {
            if (written.remove(cookie) != null) {
                out.append(DELETED).append(' ').append(cookie).append('\n');
                journalLines++;
            }
        }
        try {
            if (journalLines > 4L * live.size() + 1024) {
                compact(live);
            } else if (out.length() > 0) {
                append(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends to the journal, kept open between changes (one write per change instead of an open and a close). */
    private void append(CharSequence text) throws IOException {
        if (appender == null) {
            appender = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ByteBuffer bytes = StandardCharsets.US_ASCII.encode(CharBuffer.wrap(text));
        while (bytes.hasRemaining()) {
            appender.write(bytes);
        }
    }

    /** Closes the journal's file (a later change opens it again). */
    void close() {
        closeAppender();
    }

    private void closeAppender() {
        if (appender != null) {
            try {
                appender.close();
            } catch (IOException e) {
                // nothing was buffered: every change was written when it was appended
            }
            appender = null;
        }
    }

    private void compact(Collection<ActionRecord> records) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            for (ActionRecord r : records) {
                w.write(line(r));
                w.write('\n');
            }
        }
        closeAppender(); // the journal is replaced: append to the new file from now on
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        journalLines = records.size();
    }

    private static String line(ActionRecord r) {
        return r.cookie + " " + r.compoundId + " " + r.action + " " + r.fid + " " + r.dataFid + " " + r.offset + " "
                + r.length + " " + r.archiveId + " " + r.flags + " " + r.gid + " " + r.status + " " + r.logIndex + " "
                + r.finishedMillis + " " + (r.data.length == 0 ? "-" : HexFormat.of().formatHex(r.data)) + " "
                + r.changedMillis;
    }

    /** The live records, in log order. */
    List<ActionRecord> load() {
        Map<Long, ActionRecord> records = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (line.isBlank()) {
                    continue;
                }
                journalLines++;
                String[] f = line.split(" ");
                if (f[0].equals(DELETED)) {
                    records.remove(Long.parseLong(f[1]));
                    continue;
                }
                ActionRecord r = new ActionRecord(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]),
                        Fid.parse(f[3]), Long.parseLong(f[5]), Long.parseLong(f[6]), Integer.parseInt(f[7]),
                        Long.parseLong(f[8]), Long.parseLong(f[9]),
                        f[13].equals("-") ? new byte[0] : HexFormat.of().parseHex(f[13]), Integer.parseInt(f[11]));
                r.dataFid = Fid.parse(f[4]);
                r.status = RequestStatus.valueOf(f[10]);
                r.finishedMillis = Long.parseLong(f[12]);
                // a line written before the change time was kept has 14 fields: its change is taken as the load
                r.changedMillis = f.length > 14 ? Long.parseLong(f[14]) : System.currentTimeMillis();
                records.put(r.cookie, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (ActionRecord r : records.values()) {
            written.put(r.cookie, Written.of(r));
        }
        return List.copyOf(records.values());
    }
}

package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * The coordinator's persistent action log (the MDT's hsm_actions llog): one line per record, rewritten atomically on
 * every change so a restarted coordinator finds what was waiting and running.
 */
final class ActionLog {
    private final Path file;

    ActionLog(Path file) {
        this.file = file;
    }

    void save(Collection<ActionRecord> records) {
        StringBuilder out = new StringBuilder();
        for (ActionRecord r : records) {
            out.append(r.cookie).append(' ').append(r.compoundId).append(' ').append(r.action).append(' ')
                    .append(r.fid).append(' ').append(r.dataFid).append(' ').append(r.offset).append(' ')
                    .append(r.length).append(' ').append(r.archiveId).append(' ').append(r.flags).append(' ')
                    .append(r.gid).append(' ').append(r.status).append(' ').append(r.logIndex).append(' ')
                    .append(r.finishedMillis).append(' ')
                    .append(r.data.length == 0 ? "-" : HexFormat.of().formatHex(r.data)).append('\n');
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, out, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<ActionRecord> load() {
        List<ActionRecord> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" ");
                ActionRecord r = new ActionRecord(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]),
                        Fid.parse(f[3]), Long.parseLong(f[5]), Long.parseLong(f[6]), Integer.parseInt(f[7]),
                        Long.parseLong(f[8]), Long.parseLong(f[9]),
                        f[13].equals("-") ? new byte[0] : HexFormat.of().parseHex(f[13]), Integer.parseInt(f[11]));
                r.dataFid = Fid.parse(f[4]);
                r.status = RequestStatus.valueOf(f[10]);
                r.finishedMillis = Long.parseLong(f[12]);
                records.add(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }
}

package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.jobs.JobLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an import had to guess or chose to leave out of the attributes it gave, told once per job in its log with the
 * first few blobs as examples: blobs whose owner, group, mode or mtime was missing or malformed and took AMLFS's
 * default (a WARNING: a whole container written without POSIX metadata becomes root-owned 0644 files stamped with the
 * upload time), and blobs whose set-id bits were not restored (import.restore_setid is false).
 */
final class AttributeReport {
    static final int EXAMPLES = 5;

    private final AtomicLong defaulted = new AtomicLong();
    private final AtomicLong setidDropped = new AtomicLong();
    private final List<String> defaultedExamples = new ArrayList<>();
    private final List<String> setidExamples = new ArrayList<>();

    /** A blob whose attributes were given with defaults for some of them. */
    void defaulted(String blob, BlobMetadataCodec.Decoded decoded) {
        defaulted.incrementAndGet();
        synchronized (defaultedExamples) {
            if (defaultedExamples.size() < EXAMPLES) {
                StringBuilder example = new StringBuilder("\"").append(blob).append("\" (")
                        .append(decoded.style().label()).append("; defaulted: ")
                        .append(String.join(", ", decoded.defaulted()));
                if (!decoded.problems().isEmpty()) {
                    example.append("; ").append(String.join("; ", decoded.problems()));
                }
                defaultedExamples.add(example.append(')').toString());
            }
        }
    }

    /** A blob whose metadata carried setuid or setgid, not given to its file or directory. */
    void setidDropped(String blob, int mode) {
        setidDropped.incrementAndGet();
        synchronized (setidExamples) {
            if (setidExamples.size() < EXAMPLES) {
                setidExamples.add("\"" + blob + "\" (mode 0" + Integer.toOctalString(mode) + ")");
            }
        }
    }

    /** Writes what there is to tell (nothing when every blob carried every attribute). */
    void report(JobLog log) {
        long count = defaulted.get();
        if (count > 0) {
            synchronized (defaultedExamples) {
                log.warning(ImportCounters.ATTRIBUTES_DEFAULTED + "=" + count + ": blobs whose owner, group, mode or"
                        + " mtime was missing or unreadable got AMLFS's defaults (uid 0, gid 0, files 0644,"
                        + " directories 0777, mtime = the blob's Last-Modified); " + (count > EXAMPLES ? "the first "
                        + EXAMPLES + ": " : "") + String.join(", ", defaultedExamples));
            }
        }
        long dropped = setidDropped.get();
        if (dropped > 0) {
            synchronized (setidExamples) {
                log.info(dropped + " blobs carried setuid/setgid bits that were not restored (import.restore_setid"
                        + " is false); " + (dropped > EXAMPLES ? "the first " + EXAMPLES + ": " : "")
                        + String.join(", ", setidExamples));
            }
        }
    }
}

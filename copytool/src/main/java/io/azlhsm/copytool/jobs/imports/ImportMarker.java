package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.jobs.JobFence;
import io.azlhsm.copytool.jobs.JobState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * AMLFS's progress file in the file-system root, {@code IMPORT_<state>.<start-timestamp>}: created when an import
 * starts, renamed as its state changes, removed when it completes successfully (kept for CompletedPartial, Failed
 * and Canceled, so the outcome is visible from any client). Markers of earlier imports are removed when a new one
 * starts (with imports running beside it on other paths, only those of ended imports); a resumed import renames its
 * own marker back to InProgress.
 */
public final class ImportMarker {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("IMPORT_[A-Za-z]+\\.[0-9]{8}T[0-9]{6}Z");

    private final Path root;
    private Instant stampTime;
    private String stamp;
    private final JobFence fence;
    /** False for a dry run, which leaves no marker (it writes nothing under the mount). */
    private final boolean shown;
    private Path current;

    /** Every change of the marker is fenced: a run that lost its lock does not touch the new holder's marker. */
    ImportMarker(Path root, Instant started, JobFence fence) {
        this(root, started, fence, true);
    }

    /** @param shown false for a dry run: every method then does nothing */
    ImportMarker(Path root, Instant started, JobFence fence, boolean shown) {
        this.root = root;
        this.stampTime = started;
        this.stamp = STAMP.format(started);
        this.fence = fence;
        this.shown = shown;
    }

    /** True for a file name an import marker can have; jobs walking the namespace skip such files in the root. */
    public static boolean isMarkerName(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * Removes the markers of earlier imports, then shows {@code state} (InProgress) under this import's timestamp.
     * With imports running beside this one (on other paths), only markers of ended imports are removed (an InProgress
     * one may be theirs), and a new import that started in the same second as one of theirs takes the next second
     * free, so that each keeps a marker of its own.
     *
     * @param othersRunning other imports hold the job lock now
     * @param resumed       this run continues a crashed import: the marker of its timestamp is its own
     */
    synchronized void start(JobState state, boolean othersRunning, boolean resumed) throws IOException {
        if (!shown) {
            return;
        }
        fence.verify("the import markers in " + root);
        List<Path> markers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "IMPORT_*")) {
            for (Path file : files) {
                if (isMarkerName(file.getFileName().toString())
                        && Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    markers.add(file);
                }
            }
        }
        if (othersRunning && !resumed) {
            while (markers.stream().anyMatch(file -> file.getFileName().toString().endsWith("." + stamp))) {
                stampTime = stampTime.plusSeconds(1);
                stamp = STAMP.format(stampTime);
            }
        }
        Path own = null;
        for (Path file : markers) {
            String name = file.getFileName().toString();
            if (name.endsWith("." + stamp)) {
                own = file;
            } else if (!othersRunning || ended(name)) {
                Files.deleteIfExists(file);
            }
        }
        current = own;
        show(state);
    }

    /** True for the marker of an import that ended (Failed, Canceled, CompletedPartial). */
    private static boolean ended(String name) {
        for (JobState state : JobState.values()) {
            if (name.startsWith("IMPORT_" + state.display() + ".")) {
                return state.terminal();
            }
        }
        return false;
    }

    Path path(JobState state) {
        return root.resolve("IMPORT_" + state.display() + "." + stamp);
    }

    /** Renames the marker to the state (creates it if it vanished). */
    synchronized void show(JobState state) throws IOException {
        if (!shown) {
            return;
        }
        Path target = path(state);
        if (current != null && current.equals(target) && Files.exists(target)) {
            return;
        }
        fence.verify("the import marker " + target);
        if (current != null && Files.exists(current)) {
            Files.move(current, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(target);
            Files.createFile(target);
        }
        current = target;
    }

    /** A successful import leaves no marker. */
    synchronized void remove() throws IOException {
        if (current != null) {
            fence.verify("the import marker " + current);
            Files.deleteIfExists(current);
            current = null;
        }
    }
}

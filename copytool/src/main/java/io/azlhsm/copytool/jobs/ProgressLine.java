package io.azlhsm.copytool.jobs;

import java.time.Duration;
import java.util.Locale;

/** The one-line progress text: files and MiB done, rates, and an ETA when the totals are known. */
final class ProgressLine {
    private static final double MIB = 1024.0 * 1024.0;

    private ProgressLine() {
    }

    static String render(JobProgress progress, Duration elapsed) {
        double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
        long files = progress.files();
        long bytes = progress.bytes();
        double fileRate = files / seconds;
        double byteRate = bytes / seconds;
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%,d", files));
        if (progress.totalFiles() > 0) {
            text.append(String.format(Locale.ROOT, "/%,d", progress.totalFiles()));
        }
        text.append(String.format(Locale.ROOT, " files, %.1f", bytes / MIB));
        if (progress.totalBytes() > 0) {
            text.append(String.format(Locale.ROOT, "/%.1f", progress.totalBytes() / MIB));
        }
        text.append(String.format(Locale.ROOT, " MiB, %.1f files/s, %.1f MiB/s", fileRate, byteRate / MIB));
        eta(progress, fileRate, byteRate).ifPresentOrElse(eta -> text.append(", ETA ").append(clock(eta)),
                () -> { });
        text.append(", elapsed ").append(clock(elapsed));
        return text.toString();
    }

    private static java.util.Optional<Duration> eta(JobProgress progress, double fileRate, double byteRate) {
        if (progress.totalBytes() > 0 && byteRate > 0) {
            double left = Math.max(0, progress.totalBytes() - progress.bytes()) / byteRate;
            return java.util.Optional.of(Duration.ofSeconds(Math.round(left)));
        }
        if (progress.totalFiles() > 0 && fileRate > 0) {
            double left = Math.max(0, progress.totalFiles() - progress.files()) / fileRate;
            return java.util.Optional.of(Duration.ofSeconds(Math.round(left)));
        }
        return java.util.Optional.empty();
    }

    static String clock(Duration duration) {
        long s = duration.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}

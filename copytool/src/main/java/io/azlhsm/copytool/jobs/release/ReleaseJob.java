package io.azlhsm.copytool.jobs.release;

import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HeldFile;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frees Lustre capacity: releases the archived, clean files under a path, optionally only those not accessed for a
 * while and/or of at least a size. Each file goes through {@link SafeRelease}: a dirty, never-archived, lost or
 * never_release file is never released, nor one whose archive copy is not there to restore it (one Get Blob
 * Properties per file checks the blob its record names); those stay, counted and logged with path, blob and reason.
 */
public final class ReleaseJob implements Job {
    public static final String SCANNED = "files scanned";
    public static final String RELEASED = "files released";
    public static final String BYTES_RELEASED = "bytes released";
    public static final String NOT_ARCHIVED = "files not archived or dirty";
    public static final String ALREADY_RELEASED = "files already released";
    public static final String RECENTLY_ACCESSED = "files accessed recently";
    public static final String TOO_SMALL = "files too small";
    public static final String NO_VERIFIED_COPY = "files without a verified archive copy";
    public static final String FAILED = "files failed";

    private final ReleaseOptions options;

    public ReleaseJob(ReleaseOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.RELEASE;
    }

    @Override
    public List<String> paths() {
        return List.of(options.path());
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("path", options.path());
        parameters.put("not accessed for", options.notAccessedFor().isZero() ? "(any)"
                : options.notAccessedFor().toString());
        parameters.put("min size", options.minSize() == 0 ? "(any)" : Long.toString(options.minSize()));
        return parameters;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        Path root = MountPaths.resolve(mount, options.path());
        for (String name : List.of(SCANNED, RELEASED, BYTES_RELEASED, NOT_ARCHIVED, ALREADY_RELEASED,
                RECENTLY_ACCESSED, TOO_SMALL, NO_VERIFIED_COPY, FAILED)) {
            context.counters().counter(name);
        }
        context.progress().setTotal(0, 0);
        Instant accessedBefore = Instant.now().minus(options.notAccessedFor());
        try (ArchiveBackends backends = new ArchiveBackends(context.config())) {
            SafeRelease release = new SafeRelease(context, backends);
            new NamespaceWalker(mount).walk(root, new NamespaceVisitor() {
                @Override
                public void file(Path file, HeldFile held, BasicFileAttributes attributes) {
                    context.checkCancelled();
                    context.counters().counter(SCANNED).increment();
                    consider(context, release, file, attributes, accessedBefore);
                }

                @Override
                public void failed(Path path, IOException cause) {
                    fail(context, path, "cannot read it: " + cause);
                }
            });
        }
        long failed = context.counters().counter(FAILED).sum();
        if (failed == 0) {
            return JobState.COMPLETED;
        }
        return context.counters().counter(RELEASED).sum() > 0 ? JobState.COMPLETED_PARTIAL : JobState.FAILED;
    }

    private void consider(JobContext context, SafeRelease release, Path file, BasicFileAttributes attributes,
                          Instant accessedBefore) {
        if (attributes.size() < options.minSize()) {
            context.counters().counter(TOO_SMALL).increment();
            return;
        }
        if (!options.notAccessedFor().isZero() && attributes.lastAccessTime().toInstant().isAfter(accessedBefore)) {
            context.counters().counter(RECENTLY_ACCESSED).increment();
            return;
        }
        switch (release.release(file)) {
            case RELEASED -> {
                context.counters().counter(RELEASED).increment();
                context.counters().counter(BYTES_RELEASED).add(attributes.size());
                context.progress().advance(1, attributes.size());
            }
            case ALREADY_RELEASED -> context.counters().counter(ALREADY_RELEASED).increment();
            case NOT_ARCHIVED -> context.counters().counter(NOT_ARCHIVED).increment();
            case NO_VERIFIED_COPY -> context.counters().counter(NO_VERIFIED_COPY).increment();
            case FAILED -> context.counters().counter(FAILED).increment();
        }
    }

    private static void fail(JobContext context, Path path, String cause) {
        context.counters().counter(FAILED).increment();
        context.log().error(path.toString(), null, cause);
    }
}

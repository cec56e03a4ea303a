package io.azlhsm.copytool.jobs.policy;

import io.azlhsm.copytool.config.PolicySettings.PoolWatermarks;
import io.azlhsm.copytool.config.PolicySettings.ReleaseRule;
import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.release.SafeRelease;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.lustre.FileLayout;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.OstPools;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One pass of the release rule: when the used space is at or above the high watermark, releases archived clean files
 * under the rule's paths, least recently accessed first, until the bytes released bring it down to the low watermark;
 * then the same for each OST pool of {@code policy.release.pools}, with the pool's space (its OSTs' sum, as
 * {@code lfs df --pool}) and only the files whose layout names the pool.
 * The amount is computed once from the statfs at the start (a Lustre client caches statfs for a second,
 * OBD_STATFS_CACHE_SECONDS, lustre/include/obd.h 416, so a statfs per release would not show it); the next pass
 * measures again. Never a file under a {@code never} path, smaller than {@code min_size} or accessed within
 * {@code min_age}, and never one {@link SafeRelease} does not find safely archived (record, blob and ETag).
 */
final class ReleaseRulePass {
    private static final Logger LOG = Logger.getLogger(ReleaseRulePass.class.getName());

    private final JobContext context;
    private final ReleaseRule rule;
    private final PolicyMetrics metrics;

    ReleaseRulePass(JobContext context, ReleaseRule rule, PolicyMetrics metrics) {
        this.context = context;
        this.rule = rule;
        this.metrics = metrics;
    }

    void run(Instant now) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        SpaceUsage usage = SpaceUsage.of(mount);
        metrics.usage(usage);
        releaseDown(now, mount, "release rule", usage, rule.highWatermark(), rule.lowWatermark(), null);
        for (PoolWatermarks pool : rule.pools()) {
            context.checkCancelled();
            SpaceUsage poolUsage;
            try {
                poolUsage = PoolSpace.of(new OstPools(context.library()), mount, pool.qualified());
            } catch (LustreException e) {
                // one pool that cannot be measured (removed with lctl pool_destroy, say) keeps no other from its turn
                context.log().error(mount.toString(), null, "release rule, pool " + pool.qualified()
                        + ": cannot measure its space: " + e.getMessage());
                continue;
            }
            releaseDown(now, mount, "release rule, pool " + pool.qualified(), poolUsage, pool.highWatermark(),
                    pool.lowWatermark(), pool.pool());
        }
    }

    /**
     * Releases files down to {@code low} percent of {@code usage} when it is at {@code high} or above: files on any
     * OSTs when {@code pool} is null, else only files whose layout names {@code pool} (lfs getstripe -p), the files
     * whose data is on the pool's OSTs.
     */
    private void releaseDown(Instant now, Path mount, String what, SpaceUsage usage, int high, int low, String pool)
            throws Exception {
        if (usage.percentUsed() < high) {
            LOG.fine(() -> what + ": " + usage + ", below the high watermark " + high + "%");
            return;
        }
        long toFree = usage.bytesAbove(low);
        context.log().info(what + ": " + usage + " reached the high watermark " + high
                + "%: releasing " + toFree + " bytes, least recently accessed first, down to " + low + "%");
        metrics.releaseTriggered(now);
        List<Path> never = new ArrayList<>();
        for (String path : rule.never()) {
            try {
                never.add(MountPaths.resolve(mount, path));
            } catch (NoSuchFileException e) {
                // nothing there to protect
            }
        }
        Instant accessedBefore = now.minus(rule.minAge());
        Set<Path> tried = new HashSet<>();
        long freed = 0;
        try (ArchiveBackends backends = new ArchiveBackends(context.config())) {
            SafeRelease release = new SafeRelease(context, backends);
            // A chosen file that turns out not to be safely archived frees nothing: choose again, without the files
            // tried, until the bytes are freed or no file qualifies. Only such refusals cost another walk.
            while (freed < toFree) {
                List<OldestAccessed.Candidate> chosen = choose(mount, toFree - freed, never, accessedBefore, tried,
                        pool);
                if (chosen.isEmpty()) {
                    break;
                }
                long chosenBytes = chosen.stream().mapToLong(OldestAccessed.Candidate::size).sum();
                context.progress().setTotal(context.progress().totalFiles() + chosen.size(),
                        context.progress().totalBytes() + chosenBytes);
                for (OldestAccessed.Candidate candidate : chosen) {
                    if (freed >= toFree) {
                        break;
                    }
                    context.checkCancelled();
                    tried.add(candidate.path());
                    SafeRelease.Outcome outcome = release.release(candidate.path());
                    LOG.fine(() -> what + ": " + candidate.path() + " (last access " + candidate.lastAccess()
                            + ", " + candidate.size() + " bytes): " + outcome);
                    switch (outcome) {
                        case RELEASED -> {
                            freed += candidate.size();
                            metrics.released(candidate.size());
                            context.progress().advance(1, candidate.size());
                        }
                        case NO_VERIFIED_COPY -> metrics.releaseUnverified();
                        case FAILED -> metrics.releaseFailed();
                        default -> metrics.releaseNotArchived(); // changed since the walk
                    }
                }
            }
        }
        if (freed < toFree) {
            context.log().warning(mount.toString(), null, what + ": released " + freed + " of the " + toFree
                    + " bytes above the low watermark: no more archived clean files qualify (see the counters)");
        } else {
            context.log().info(what + ": released " + freed + " bytes");
        }
    }

    /**
     * Walks the rule's paths for the least recently accessed files that qualify, not yet tried, making up
     * {@code bytes}. The files kept back are counted on the first walk of the pass only.
     */
    private List<OldestAccessed.Candidate> choose(Path mount, long bytes, List<Path> never, Instant accessedBefore,
                                                  Set<Path> tried, String pool) throws Exception {
        OldestAccessed oldest = new OldestAccessed(bytes);
        boolean firstWalk = tried.isEmpty();
        for (Path root : roots(mount)) {
            new NamespaceWalker(mount).walk(root, new NamespaceVisitor() {
                @Override
                public void file(Path file, HeldFile held, BasicFileAttributes attributes) {
                    context.checkCancelled();
                    if (!tried.contains(file)) {
                        consider(file, attributes, never, accessedBefore, firstWalk, pool).ifPresent(oldest::offer);
                    }
                }

                @Override
                public void failed(Path path, IOException cause) {
                    if (firstWalk) {
                        metrics.releaseFailed();
                        context.log().error(path.toString(), null, "release rule: cannot read it: " + cause);
                    }
                }
            });
        }
        return oldest.oldestFirst();
    }

    /** Whether the layout of file names pool (getxattr lustre.lov, the pool lfs getstripe -p prints). */
    private boolean onPool(Path file, String pool) {
        try {
            Optional<String> named = ExtendedAttributes.get(file, FileLayout.XATTR).flatMap(FileLayout::poolOf);
            LOG.finer(() -> "release rule: " + file + ": layout pool " + named.orElse("(none)"));
            return named.filter(pool::equals).isPresent();
        } catch (IOException e) {
            // gone since the walk, or no layout to read: not a file of the pool
            LOG.fine(() -> "release rule: " + file + ": cannot read its layout: " + e);
            return false;
        }
    }

    /** The rule's paths, without those inside another of them (walked once). */
    private List<Path> roots(Path mount) throws NoSuchFileException {
        List<Path> roots = new ArrayList<>();
        for (String given : rule.paths()) {
            Path path = MountPaths.resolve(mount, given);
            if (roots.stream().noneMatch(path::startsWith)) {
                roots.removeIf(r -> r.startsWith(path));
                roots.add(path);
            }
        }
        return roots;
    }

    private Optional<OldestAccessed.Candidate> consider(Path file, BasicFileAttributes attributes, List<Path> never,
                                                        Instant accessedBefore, boolean count, String pool) {
        if (pool != null && !onPool(file, pool)) {
            return Optional.empty();
        }
        if (never.stream().anyMatch(file::startsWith)) {
            if (count) {
                metrics.releaseNever();
            }
            LOG.fine(() -> "release rule: " + file + ": kept, under a policy.release.never path");
            return Optional.empty();
        }
        if (attributes.size() < Math.max(1, rule.minSize())) {
            if (count) {
                metrics.releaseTooSmall();
            }
            LOG.fine(() -> "release rule: " + file + ": kept, " + attributes.size() + " bytes, below min_size");
            return Optional.empty();
        }
        Instant lastAccess = attributes.lastAccessTime().toInstant();
        if (lastAccess.isAfter(accessedBefore)) {
            if (count) {
                metrics.releaseRecent();
            }
            LOG.fine(() -> "release rule: " + file + ": kept, accessed " + lastAccess + ", within min_age");
            return Optional.empty();
        }
        HsmUserState state;
        try {
            state = context.hsm().state(file);
        } catch (LustreException e) {
            metrics.releaseFailed();
            context.log().error(file.toString(), null, "release rule: cannot read its HSM state: " + e.getMessage());
            return Optional.empty();
        }
        if (!SafeRelease.releasable(state)) {
            if (!state.has(HsmStates.RELEASED)) {
                if (count) {
                    metrics.releaseNotArchived();
                }
                LOG.fine(() -> "release rule: " + file + ": kept, not archived, or dirty, lost or never_release"
                        + " (HSM flags 0x" + Integer.toHexString(state.states()) + ")");
            }
            return Optional.empty();
        }
        return Optional.of(new OldestAccessed.Candidate(file, lastAccess, attributes.size()));
    }
}

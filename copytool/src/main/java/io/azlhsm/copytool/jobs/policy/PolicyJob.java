package io.azlhsm.copytool.jobs.policy;

import io.azlhsm.copytool.config.PolicySettings;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobCancelledException;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobLockLostException;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.LockScope;
import io.azlhsm.copytool.jobs.autoexport.ChangelogUsers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The policy engine ({@code copytool policy}): a long-running job holding the job lock on the paths its rules cover
 * (the whole file system when unrestricted), that
 * applies the configuration's {@code policy.*} rules every {@code policy.interval} until cancelled: the archive rule
 * ({@link ArchiveRuleRunner}), then the release rule ({@link ReleaseRulePass}). The rules are read again on a reload
 * ({@link PolicySource}). A pass that fails (the statfs, a walk) is logged and the next one tries again: the engine
 * is a service and must not stop at a transient error. A dry run makes one pass, changes nothing and lists what it
 * would archive and release.
 */
public final class PolicyJob implements Job {
    private static final long PAUSE_STEP_MILLIS = 100;

    private final PolicySource source;
    private final Clock clock;

    public PolicyJob(PolicySource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    @Override
    public JobKind kind() {
        return JobKind.POLICY;
    }

    /**
     * The paths its rules cover, as the rules stand when the job starts: the archive rule's and the release rule's
     * paths (each the whole file system by default); with no rule at all, the whole file system, so that a reload
     * may add any.
     */
    @Override
    public List<String> paths() {
        return rulePaths(source.current());
    }

    /** The archive rule's changelog users: another reader of one would clear records the rule has not read. */
    @Override
    public Set<String> changelogUsers() {
        return ruleUsers(source.current());
    }

    private static List<String> rulePaths(PolicySettings rules) {
        List<String> paths = new ArrayList<>();
        rules.archive().ifPresent(a -> paths.addAll(a.paths()));
        rules.release().ifPresent(r -> paths.addAll(r.paths()));
        return paths.isEmpty() ? LockScope.WHOLE_FILE_SYSTEM : paths;
    }

    private static Set<String> ruleUsers(PolicySettings rules) {
        if (rules.archive().isEmpty()) {
            return Set.of();
        }
        try {
            return ChangelogUsers.parse(rules.archive().get().changelogUsers()).userIds();
        } catch (IllegalArgumentException e) {
            return Set.copyOf(rules.archive().get().changelogUsers()); // the rule refuses them when it starts
        }
    }

    /**
     * Why new rules cannot be taken while the engine runs, or null: the engine holds the job lock on the paths and
     * changelog users of the rules it started with, and other jobs may run beside it on any other path, so a rule
     * reaching further waits for a restart (which takes the lock on the new paths).
     */
    private static String outsideClaim(JobContext context, PolicySettings rules) {
        LockScope held = context.fence().taken().scope();
        LockScope wanted;
        try {
            wanted = LockScope.of(context.mount(), rulePaths(rules), ruleUsers(rules), false);
        } catch (IOException | IllegalArgumentException e) {
            return "cannot resolve the rules' paths: " + e.getMessage();
        }
        if (context.changes().dryRun() || held.exclusive()) {
            return null;
        }
        if (!held.covers(wanted) || !held.changelogUsers().containsAll(wanted.changelogUsers())) {
            return "the rules now cover " + wanted.describe() + ", beyond " + held.describe()
                    + ", where the engine holds the job lock; restart the engine (copytool cancel, then copytool"
                    + " policy) to take the lock on the new paths";
        }
        return null;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("config", source.file().map(Path::toString).orElse("(given)"));
        return parameters;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        PolicyMetrics metrics = new PolicyMetrics(context);
        describe(context, source.current());
        ArchiveRuleRunner archiver = null;
        try {
            while (true) {
                context.checkCancelled();
                PolicySettings before = source.current();
                reload(context, metrics);
                PolicySettings rules = source.current();
                if (archiver != null && !rules.archive().equals(before.archive())) {
                    archiver.close(); // a changed rule starts over, with a walk
                    archiver = null;
                }
                if (archiver == null && rules.archive().isPresent()) {
                    archiver = new ArchiveRuleRunner(context, rules.archive().get(), metrics);
                }
                pass(context, metrics, rules, archiver);
                if (context.changes().dryRun()) {
                    return JobState.COMPLETED;
                }
                pause(context, source, rules.interval());
            }
        } finally {
            if (archiver != null) {
                archiver.close();
            }
        }
    }

    /** One pass of every rule: the archive rule first, so that what it archives may be released. */
    private void pass(JobContext context, PolicyMetrics metrics, PolicySettings rules, ArchiveRuleRunner archiver)
            throws Exception {
        Instant now = clock.instant();
        try {
            if (archiver != null) {
                archiver.pass(now);
            }
            if (rules.release().isPresent()) {
                new ReleaseRulePass(context, rules.release().get(), metrics).run(now);
            } else {
                metrics.usage(SpaceUsage.of(context.mount()));
            }
        } catch (JobCancelledException | JobLockLostException e) {
            throw e;
        } catch (Exception e) {
            if (context.cancelRequested()) {
                throw e;
            }
            context.log().error(context.mount().toString(), null, "policy pass failed, tried again in "
                    + rules.interval() + ": " + e);
        }
        metrics.passEnded(clock.instant());
    }

    private void reload(JobContext context, PolicyMetrics metrics) {
        Optional<PolicySource.Reload> reload = source.reloadIfRequested(context.mount(),
                rules -> outsideClaim(context, rules));
        if (reload.isEmpty()) {
            return;
        }
        if (reload.get().rules() == null) {
            context.log().warning(source.file().map(Path::toString).orElse(null), null, "reload refused: "
                    + reload.get().refusal() + "; the rules in force stay");
            return;
        }
        metrics.reloaded();
        context.log().info("reloaded " + source.file().orElseThrow());
        describe(context, reload.get().rules());
    }

    private static void describe(JobContext context, PolicySettings rules) {
        rules.archive().ifPresent(a -> context.log().info("archive rule: files under " + a.paths()
                + (a.names().isEmpty() ? "" : " named " + a.names()) + ", new or dirty, unchanged for " + a.after()
                + "; changelog users " + a.changelogUsers() + ", a walk every " + a.scanInterval()));
        context.log().info("every " + rules.interval() + ": " + rules.release().map(r -> "release rule: from "
                + r.highWatermark() + "% used down to " + r.lowWatermark() + "%, paths " + r.paths() + ", never "
                + r.never() + ", min_age " + r.minAge() + ", min_size " + r.minSize() + (r.pools().isEmpty() ? ""
                : "; OST pools " + r.pools().stream().map(p -> p.qualified() + " from " + p.highWatermark()
                        + "% down to " + p.lowWatermark() + "%").toList()))
                .orElse("no release rule (policy.release.high_watermark is not set): usage is only measured"));
    }

    /** Waits for the next pass; a reload ends the wait, so new rules apply at once. */
    private static void pause(JobContext context, PolicySource source, Duration interval)
            throws InterruptedException {
        long until = System.nanoTime() + interval.toNanos();
        while (System.nanoTime() < until && !source.reloadPending()) {
            context.checkCancelled();
            Thread.sleep(Math.min(PAUSE_STEP_MILLIS, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
    }
}

package io.azlhsm.copytool.jobs.policy;

import io.azlhsm.copytool.config.PolicySettings;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobCancelledException;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobLockLostException;
import io.azlhsm.copytool.jobs.JobState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The policy engine ({@code copytool policy}): a long-running job, one per file system (it holds the job lock), that
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
        Optional<PolicySource.Reload> reload = source.reloadIfRequested(context.mount());
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
                + r.never() + ", min_age " + r.minAge() + ", min_size " + r.minSize())
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

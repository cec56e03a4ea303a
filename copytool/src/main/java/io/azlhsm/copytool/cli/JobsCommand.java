package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.jobs.LockHolder;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code copytool jobs [JOB-ID]}: the file system's jobs, newest first, with state and counters as AMLFS shows them
 * (while they run and after); with an id, everything recorded about that job.
 */
final class JobsCommand implements CliCommand {
    private static final int DEFAULT_LIMIT = 20;

    @Override
    public String name() {
        return "jobs";
    }

    @Override
    public String summary() {
        return "list jobs (import, export, ...) with state and counters, or show one JOB-ID in full";
    }

    @Override
    public int maxArguments() {
        return 1;
    }

    @Override
    public Options options() {
        return new Options().addOption(ConfigOption.option())
                .addOption(Option.builder("n").longOpt("limit").hasArg().argName("N")
                        .desc("show the newest N jobs (default " + DEFAULT_LIMIT + ")").build());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) {
        Optional<CopytoolConfig> loaded = ConfigOption.load(line, name(), err);
        if (loaded.isEmpty()) {
            return ExitCode.CONFIG;
        }
        int limit;
        try {
            limit = Integer.parseInt(line.getOptionValue("limit", Integer.toString(DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            err.println("copytool jobs: --limit must be a number: " + line.getOptionValue("limit"));
            return ExitCode.USAGE;
        }
        JobStore store = new JobStore(loaded.get().mount());
        try {
            List<LockHolder> holder = store.lockHolders();
            if (!line.getArgList().isEmpty()) {
                String id = line.getArgList().get(0);
                Optional<JobRecord> record = store.read(id);
                if (record.isEmpty()) {
                    err.println("copytool jobs: no job " + id);
                    return ExitCode.FAILURE;
                }
                printDetails(out, store, record.get(), holder);
                return ExitCode.OK;
            }
            List<JobRecord> records = store.list();
            if (records.isEmpty()) {
                out.println("no jobs on " + loaded.get().mount());
                return ExitCode.OK;
            }
            out.printf("%-34s %-12s %-17s %-20s %-20s %s%n", "ID", "KIND", "STATE", "STARTED", "ENDED", "COUNTERS");
            for (JobRecord record : records.subList(0, Math.min(limit, records.size()))) {
                out.printf("%-34s %-12s %-17s %-20s %-20s %s%n", record.id(), record.kind().commandName(),
                        state(record, holder), time(record.started()), record.ended() == null ? "-"
                                : time(record.ended()), compact(record));
            }
            return ExitCode.OK;
        } catch (IOException e) {
            err.println("copytool jobs: " + e.getMessage());
            return ExitCode.FAILURE;
        }
    }

    /** The recorded state; a job that says it runs but holds no lock is shown as such. */
    private static String state(JobRecord record, List<LockHolder> holders) {
        String state = record.state().display();
        if (!record.state().terminal() && holders.stream().noneMatch(h -> h.jobId().equals(record.id()))) {
            return state + "(stale)";
        }
        return record.crashed() ? state + "(crashed)" : state;
    }

    private static String time(java.time.Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static String compact(JobRecord record) {
        StringBuilder text = new StringBuilder();
        record.counters().forEach((name, value) -> {
            if (value != 0) {
                text.append(text.isEmpty() ? "" : " ").append(name).append('=').append(value);
            }
        });
        return text.toString();
    }

    private static void printDetails(PrintStream out, JobStore store, JobRecord record, List<LockHolder> holder) {
        out.println("id:          " + record.id());
        out.println("kind:        " + record.kind().commandName());
        out.println("state:       " + state(record, holder));
        out.println("started:     " + record.started());
        out.println("ended:       " + (record.ended() == null ? "-" : record.ended()));
        out.println("heartbeat:   " + record.heartbeat() + " (" + record.host() + " pid " + record.pid() + ")");
        holder.stream().filter(h -> h.jobId().equals(record.id())).findFirst().ifPresent(h -> out.println(
                "lock:        " + h.scope().describe() + " (generation " + h.generation() + ")"));
        if (!record.message().isEmpty()) {
            out.println("message:     " + record.message());
        }
        out.println("parameters:");
        record.parameters().forEach((name, value) -> out.printf("  %-28s %s%n", name, value));
        out.println("counters:");
        record.counters().forEach((name, value) -> out.printf("  %-28s %,d%n", name, value));
        out.println("log:         " + store.logFile(record.id()));
    }
}

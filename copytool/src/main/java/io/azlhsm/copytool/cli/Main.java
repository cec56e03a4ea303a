package io.azlhsm.copytool.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The {@code copytool} command: {@code copytool --help | --version | <command> [options]}.
 *
 * <p>Exit statuses are in {@link ExitCode}. Usage errors print a one-line reason and the relevant usage on stderr.
 */
public final class Main {
    private static final String PROGRAM = "copytool";
    private static final int WIDTH = 100;

    private final Map<String, CliCommand> commands = new LinkedHashMap<>();
    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err, CliCommand... commands) {
        this.out = out;
        this.err = err;
        for (CliCommand command : commands) {
            this.commands.put(command.name(), command);
        }
    }

    public static void main(String[] args) {
        System.exit(new Main(System.out, System.err, new AgentCommand(), new StatusCommand(),
                new ArchiveListCommand(), new ImportCommand(), new ExportCommand(), new AutoExportCommand(),
                new AutoImportCommand(), new PrefetchCommand(), new ReleaseCommand(), new PolicyCommand(),
                new TierCommand(), new CheckCommand(), new JobsCommand(), new CancelCommand()).run(args));
    }

    int run(String[] args) {
        if (args.length == 0) {
            err.println(PROGRAM + ": a command is required");
            printUsage(err);
            return ExitCode.USAGE;
        }
        String first = args[0];
        if (first.startsWith("-")) {
            return runGlobalOptions(args);
        }
        CliCommand command = commands.get(first);
        if (command == null) {
            err.println(PROGRAM + ": unknown command '" + first + "'");
            printUsage(err);
            return ExitCode.USAGE;
        }
        return runCommand(command, Arrays.copyOfRange(args, 1, args.length));
    }

    private int runGlobalOptions(String[] args) {
        Options options = globalOptions();
        CommandLine line;
        try {
            line = new DefaultParser().parse(options, args);
        } catch (ParseException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            printUsage(err);
            return ExitCode.USAGE;
        }
        if (line.hasOption("version")) {
            out.println(PROGRAM + " " + version());
            return ExitCode.OK;
        }
        if (line.hasOption("help")) {
            printUsage(out);
            return ExitCode.OK;
        }
        err.println(PROGRAM + ": unexpected argument '" + line.getArgList().get(0) + "'");
        printUsage(err);
        return ExitCode.USAGE;
    }

    private int runCommand(CliCommand command, String[] args) {
        // --help must work even when required options are missing, so look for it before the real parse.
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            printCommandUsage(command, out);
            return ExitCode.OK;
        }
        CommandLine line;
        Options options = command.options();
        try {
            line = new DefaultParser().parse(options, args);
        } catch (MissingOptionException e) {
            err.println(PROGRAM + " " + command.name() + ": missing required option " + describe(e, options));
            printCommandUsage(command, err);
            return ExitCode.USAGE;
        } catch (ParseException e) {
            err.println(PROGRAM + " " + command.name() + ": " + e.getMessage());
            printCommandUsage(command, err);
            return ExitCode.USAGE;
        }
        if (line.getArgList().size() > command.maxArguments()) {
            err.println(PROGRAM + " " + command.name() + ": unexpected argument '"
                    + line.getArgList().get(command.maxArguments()) + "'");
            printCommandUsage(command, err);
            return ExitCode.USAGE;
        }
        return command.run(line, out, err);
    }

    /** "--config FILE" rather than commons-cli's "c" (it reports missing options by their short key). */
    private static String describe(MissingOptionException e, Options options) {
        StringBuilder text = new StringBuilder();
        for (Object missing : e.getMissingOptions()) {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            Option option = options.getOption(String.valueOf(missing));
            if (option == null) {
                text.append(missing);
                continue;
            }
            text.append(option.getLongOpt() != null ? "--" + option.getLongOpt() : "-" + option.getOpt());
            if (option.hasArg() && option.getArgName() != null) {
                text.append(' ').append(option.getArgName());
            }
        }
        return text.toString();
    }

    private static Options globalOptions() {
        return new Options()
                .addOption(Option.builder("h").longOpt("help").desc("show this help").build())
                .addOption(Option.builder("V").longOpt("version").desc("show the version").build());
    }

    private void printUsage(PrintStream stream) {
        PrintWriter writer = new PrintWriter(stream);
        HelpFormatter help = new HelpFormatter();
        help.printWrapped(writer, WIDTH, "usage: " + PROGRAM + " <command> [options]   |   " + PROGRAM
                + " --help   |   " + PROGRAM + " --version");
        help.printWrapped(writer, WIDTH, "");
        help.printWrapped(writer, WIDTH, "commands:");
        for (CliCommand command : commands.values()) {
            help.printWrapped(writer, WIDTH, 14, String.format("  %-10s  %s", command.name(), command.summary()));
        }
        help.printWrapped(writer, WIDTH, "");
        help.printOptions(writer, WIDTH, globalOptions(), 2, 4);
        help.printWrapped(writer, WIDTH, "");
        help.printWrapped(writer, WIDTH, "Run '" + PROGRAM + " <command> --help' for a command's options.");
        writer.flush();
    }

    private static void printCommandUsage(CliCommand command, PrintStream stream) {
        PrintWriter writer = new PrintWriter(stream);
        Options options = command.options()
                .addOption(Option.builder("h").longOpt("help").desc("show this help").build());
        new HelpFormatter().printHelp(writer, WIDTH, PROGRAM + " " + command.name(), command.summary(), options, 2,
                4, "", true);
        writer.flush();
    }

    /** The project version, from the build-filtered resource (the manifest is absent when run from classes). */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.startsWith("${")) {
                    return version;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String version = Main.class.getPackage().getImplementationVersion();
        return version != null ? version : "unknown";
    }
}

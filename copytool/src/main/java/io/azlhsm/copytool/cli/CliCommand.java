package io.azlhsm.copytool.cli;

import java.io.PrintStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One sub-command of {@code copytool} ({@code copytool <name> [options]}). */
interface CliCommand {
    String name();

    /** One line for the command list of {@code copytool --help}. */
    String summary();

    /** The command's options, without --help (added by {@link Main}). */
    Options options();

    /** How many positional arguments the command takes (e.g. {@code copytool cancel [JOB-ID]}); none by default. */
    default int maxArguments() {
        return 0;
    }

    /** Runs with parsed options; returns the exit status. */
    int run(CommandLine line, PrintStream out, PrintStream err);
}

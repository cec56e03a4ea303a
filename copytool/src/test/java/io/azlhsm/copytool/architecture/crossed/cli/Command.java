package io.azlhsm.copytool.architecture.crossed.cli;

/** A fixture for ArchitectureTest: the command line, at the top. */
public final class Command {
    private Command() {
    }

    public static String name() {
        return "command"; // a method, not a constant: javac would copy a constant into its user
    }
}

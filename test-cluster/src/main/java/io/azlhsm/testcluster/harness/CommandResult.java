package io.azlhsm.testcluster.harness;

/** What a command printed and how it exited. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout, failing with the whole result when the command did not succeed. */
    public String out() {
        if (exitCode != 0) {
            throw new AssertionError("command failed: " + this);
        }
        return stdout;
    }
}

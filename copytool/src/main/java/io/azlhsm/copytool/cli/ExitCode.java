package io.azlhsm.copytool.cli;

/** Exit statuses of the {@code copytool} command; scripts and systemd units may rely on them. */
public final class ExitCode {
    public static final int OK = 0;
    /** The command ran and failed (I/O error, Lustre error, ...). */
    public static final int FAILURE = 1;
    /** Bad command line: unknown command or option, missing argument. */
    public static final int USAGE = 2;
    /** A job ended CompletedPartial: some items failed within the tolerated error count (see the job log). */
    public static final int JOB_PARTIAL = 3;
    /** A job was canceled ({@code copytool cancel} or Ctrl-C). */
    public static final int JOB_CANCELED = 4;
    /** Another job holds the file system's job lock (sysexits.h EX_TEMPFAIL): try again when it has ended. */
    public static final int BUSY = 75;
    /** The configuration file is invalid (sysexits.h EX_CONFIG); restarting will not help. */
    public static final int CONFIG = 78;

    private ExitCode() {
    }
}

package io.azlhsm.copytool.jobs.autoexport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registers and deregisters changelog users with {@code lctl --device <fsname>-MDT0000 changelog_register |
 * changelog_deregister <id>}. liblustreapi has no call for it (lctl talks to the MDT device), so neither has the
 * simulator's library; both the real lctl and the simulator's answer {@code ...: Registered changelog userid 'clN'}.
 */
public final class ChangelogUsers {
    private static final Pattern REGISTERED = Pattern.compile("Registered changelog userid '([^']+)'");
    private static final long TIMEOUT_SECONDS = 60;

    private final String lctl;
    private final String mdt;

    /**
     * @param lctl the lctl command (a name on PATH or a path)
     * @param mdt  the MDT device, e.g. {@code lustre-MDT0000}
     */
    public ChangelogUsers(String lctl, String mdt) {
        this.lctl = lctl;
        this.mdt = mdt;
    }

    public String mdt() {
        return mdt;
    }

    /** A new changelog user; from now on the MDT keeps records until this user clears them. */
    public String register() throws IOException, InterruptedException {
        String output = run(List.of(lctl, "--device", mdt, "changelog_register"));
        Matcher matcher = REGISTERED.matcher(output);
        if (!matcher.find()) {
            throw new IOException(lctl + " --device " + mdt + " changelog_register printed no user id: "
                    + output.strip());
        }
        return matcher.group(1);
    }

    /** Removes the user; the MDT may then purge the records it was keeping for it. */
    public void deregister(String id) throws IOException, InterruptedException {
        run(List.of(lctl, "--device", mdt, "changelog_deregister", id));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                    + output.strip());
        }
        return output;
    }
}

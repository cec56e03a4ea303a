package io.azlhsm.copytool.jobs.policy;

import io.azlhsm.copytool.config.ConfigException;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.config.PolicySettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Where the policy engine's rules come from: the configuration file, read again at the start of the next pass after
 * a reload was asked for (SIGHUP, {@code systemctl reload}). A file that no longer reads, or a new {@code mount},
 * is refused with the reason and the rules in force stay, as the agent does with its configuration.
 */
public final class PolicySource {
    private final Path file;
    private final AtomicBoolean reloadRequested = new AtomicBoolean();
    private final Consumer<CopytoolConfig> onReload;
    private PolicySettings current;

    /**
     * @param file    the configuration file to read again on a reload (null: the rules never change)
     * @param initial the rules read at the start
     */
    public PolicySource(Path file, PolicySettings initial) {
        this(file, initial, config -> { });
    }

    /** @param onReload also given each configuration a reload accepted (the command line applies its log.level) */
    public PolicySource(Path file, PolicySettings initial, Consumer<CopytoolConfig> onReload) {
        this.file = file;
        this.current = initial;
        this.onReload = onReload;
    }

    /** What the SIGHUP handler calls: the file is read at the start of the next pass. Safe from any thread. */
    public void requestReload() {
        reloadRequested.set(true);
    }

    boolean reloadPending() {
        return reloadRequested.get();
    }

    /** The configuration file, if the rules come from one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The rules in force. */
    PolicySettings current() {
        return current;
    }

    /**
     * Reads the file again when a reload was asked for.
     *
     * @param mount   the mount the job runs on: a file naming another one is refused
     * @param refusal why new rules cannot be taken (null when they can): rules reaching outside the paths the
     *                engine holds the job lock on
     * @return empty when nothing was asked for; else the new rules, or the refusal's reason as an exception
     */
    Optional<Reload> reloadIfRequested(Path mount, java.util.function.Function<PolicySettings, String> refusal) {
        if (!reloadRequested.getAndSet(false) || file == null) {
            return Optional.empty();
        }
        try {
            CopytoolConfig fresh = CopytoolConfig.load(file);
            if (!fresh.mount().toAbsolutePath().normalize().equals(mount.toAbsolutePath().normalize())) {
                return Optional.of(new Reload(null, file + ": mount is now " + fresh.mount() + ", not " + mount
                        + "; the policy engine stays on its mount (restart it to change mounts)"));
            }
            String refused = refusal.apply(fresh.policy());
            if (refused != null) {
                return Optional.of(new Reload(null, file + ": " + refused));
            }
            current = fresh.policy();
            onReload.accept(fresh);
            return Optional.of(new Reload(current, null));
        } catch (ConfigException | IOException e) {
            return Optional.of(new Reload(null, e.getMessage()));
        }
    }

    /** A reload's result: the rules now in force, or why the file was refused. */
    record Reload(PolicySettings rules, String refusal) {
    }
}

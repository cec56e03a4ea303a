package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The coordinator's lctl tunables (mdt.*.hsm.*) with Lustre's defaults, their text forms, and their persistence in
 * state/tunables.properties. Guarded by the Coordinator's lock.
 */
final class Tunables {
    static final String NRA = "NRA";
    static final String NBR = "NBR";
    private static final String CONTROL_KEY = "hsm_control";

    int maxRequests = 3;
    long activeRequestTimeoutSeconds = 3600;
    long loopPeriodSeconds = 10;
    long graceDelaySeconds = 60;
    int defaultArchiveId = 1;
    int removeArchiveOnLastUnlink = 0;
    /** CDT_DEFAULT_POLICY is NRA (no retry of actions). */
    final Set<String> policy = new LinkedHashSet<>(List.of(NRA));
    Set<String> userRequestMask = new LinkedHashSet<>(List.of("RESTORE"));
    Set<String> groupRequestMask = new LinkedHashSet<>(List.of("RESTORE"));
    Set<String> otherRequestMask = new LinkedHashSet<>(List.of("RESTORE"));

    /** hsm_control as HsmControl.State names it; kept here so that it survives a restart, like the rest. */
    String control = "ENABLED";

    private final Path file;

    Tunables(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
                for (String name : p.stringPropertyNames()) {
                    if (name.equals(CONTROL_KEY)) {
                        control = p.getProperty(name);
                    } else {
                        set(name, p.getProperty(name));
                    }
                }
            } catch (IOException | SimulatorException e) {
                throw new IllegalStateException("bad tunables in " + file + ": " + e.getMessage(), e);
            }
        }
    }

    static List<String> names() {
        return List.of("max_requests", "active_request_timeout", "loop_period", "grace_delay",
                "default_archive_id", "policy", "remove_archive_on_last_unlink", "user_request_mask",
                "group_request_mask", "other_request_mask");
    }

    String get(String name) {
        return switch (name) {
            case "max_requests" -> Integer.toString(maxRequests);
            case "active_request_timeout" -> Long.toString(activeRequestTimeoutSeconds);
            case "loop_period" -> Long.toString(loopPeriodSeconds);
            case "grace_delay" -> Long.toString(graceDelaySeconds);
            case "default_archive_id" -> Integer.toString(defaultArchiveId);
            case "remove_archive_on_last_unlink" -> Integer.toString(removeArchiveOnLastUnlink);
            case "policy" -> policyText();
            case "user_request_mask" -> String.join(" ", userRequestMask);
            case "group_request_mask" -> String.join(" ", groupRequestMask);
            case "other_request_mask" -> String.join(" ", otherRequestMask);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Lustre lists every policy bit, the active ones in brackets. */
    private String policyText() {
        List<String> parts = new ArrayList<>();
        for (String p : List.of(NRA, NBR)) {
            parts.add(policy.contains(p) ? "[" + p + "]" : p);
        }
        return String.join(" ", parts);
    }

    void set(String name, String value) throws SimulatorException {
        String v = value.trim();
        try {
            switch (name) {
                case "max_requests" -> maxRequests = positive(v);
                case "active_request_timeout" -> activeRequestTimeoutSeconds = positive(v);
                case "loop_period" -> loopPeriodSeconds = positive(v);
                case "grace_delay" -> graceDelaySeconds = positive(v);
                case "default_archive_id" -> defaultArchiveId = positive(v);
                case "remove_archive_on_last_unlink" -> removeArchiveOnLastUnlink = Integer.parseInt(v) != 0 ? 1 : 0;
                case "policy" -> setPolicy(v);
                case "user_request_mask" -> userRequestMask = mask(v);
                case "group_request_mask" -> groupRequestMask = mask(v);
                case "other_request_mask" -> otherRequestMask = mask(v);
                default -> throw new SimulatorException(Errno.ENOENT, "no tunable " + name);
            }
        } catch (NumberFormatException e) {
            throw new SimulatorException(Errno.EINVAL, "bad value " + value);
        }
    }

    private static int positive(String v) throws SimulatorException {
        int n = Integer.parseInt(v);
        if (n <= 0) {
            throw new SimulatorException(Errno.EINVAL, "must be positive");
        }
        return n;
    }

    /** "+NRA" adds, "-NRA" removes, a plain list replaces (lproc_mdt_hsm_policy_seq_write). */
    private void setPolicy(String v) throws SimulatorException {
        Set<String> replacement = new LinkedHashSet<>();
        boolean replace = false;
        for (String token : v.split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            char sign = token.charAt(0);
            String bit = sign == '+' || sign == '-' ? token.substring(1) : token;
            if (!bit.equals(NRA) && !bit.equals(NBR)) {
                throw new SimulatorException(Errno.EINVAL, "unknown policy " + bit);
            }
            if (sign == '+') {
                policy.add(bit);
            } else if (sign == '-') {
                policy.remove(bit);
            } else {
                replace = true;
                replacement.add(bit);
            }
        }
        if (replace) {
            policy.clear();
            policy.addAll(replacement);
        }
    }

    private static Set<String> mask(String v) throws SimulatorException {
        Set<String> m = new LinkedHashSet<>();
        for (String token : v.split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (HsmCodes.actionByName(token.toUpperCase()) == HsmCodes.HSMA_NONE && !token.equalsIgnoreCase("RELEASE")) {
                throw new SimulatorException(Errno.EINVAL, "unknown action " + token);
            }
            m.add(token.toUpperCase());
        }
        return m;
    }

    void persist() {
        Properties p = new Properties();
        for (String name : names()) {
            p.setProperty(name, get(name));
        }
        // stored in set_param syntax: a plain list replaces the policy; "-NRA -NBR" clears it
        p.setProperty("policy", policy.isEmpty() ? "-NRA -NBR" : String.join(" ", policy));
        p.setProperty(CONTROL_KEY, control);
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "coordinator tunables (lctl set_param mdt.*.hsm.*)");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

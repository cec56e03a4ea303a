package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/copytool.service: a Type=notify unit with a watchdog and the hardening that leaves a copytool its work, and a
 * unit systemd itself accepts ({@code systemd-analyze verify}, where that tool is installed); the same of
 * conf/copytool-policy.service, the policy engine's.
 */
class SystemdUnitTest {
    private static final Path CONF = Path.of(System.getProperty("azlhsm.native.dir"), "..", "..", "conf").normalize();
    private static final Path UNIT = CONF.resolve("copytool.service");
    /** The policy engine's unit ({@code copytool policy}). */
    private static final Path POLICY_UNIT = CONF.resolve("copytool-policy.service");
    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final Path HOST_UNITS = Path.of("/lib/systemd/system");

    /** The [Service] settings, last value of each key (comments and blank lines left out). */
    private static Map<String, List<String>> service() throws Exception {
        return service(UNIT);
    }

    private static Map<String, List<String>> service(Path unit) throws Exception {
        Map<String, List<String>> settings = new TreeMap<>();
        String section = "";
        for (String line : Files.readAllLines(unit, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                section = trimmed;
            } else if (section.equals("[Service]") && !trimmed.isEmpty() && !trimmed.startsWith("#")) {
                int equals = trimmed.indexOf('=');
                settings.computeIfAbsent(trimmed.substring(0, equals), key -> new ArrayList<>())
                        .add(trimmed.substring(equals + 1));
            }
        }
        return settings;
    }

    private static String one(Map<String, List<String>> settings, String key) {
        List<String> values = settings.getOrDefault(key, List.of());
        assertEquals(1, values.size(), key + ": " + values);
        return values.get(0);
    }

    @Test
    void theUnitWaitsForReadinessAndHasAWatchdog() throws Exception {
        Map<String, List<String>> service = service();
        assertEquals("notify", one(service, "Type"));
        assertEquals("main", one(service, "NotifyAccess"));
        assertTrue(one(service, "WatchdogSec").matches("\\d+(s|min)"), one(service, "WatchdogSec"));
        assertEquals("on-failure", one(service, "Restart"));
        assertEquals("78", one(service, "RestartPreventExitStatus"));
    }

    @Test
    void theUnitIsHardenedButMayWriteTheMountAndItsRuntimeDirectory() throws Exception {
        Map<String, List<String>> service = service();
        assertEquals("yes", one(service, "NoNewPrivileges"));
        assertEquals("yes", one(service, "PrivateTmp"));
        assertEquals("yes", one(service, "ProtectHome"));
        assertEquals("strict", one(service, "ProtectSystem"));
        // the mount of the shipped configuration (restores write file data, jobs their records and logs)
        assertTrue(service.getOrDefault("ReadWritePaths", List.of()).contains("/mnt/lustre"), service.toString());
        assertEquals("azlhsm", one(service, "RuntimeDirectory")); // runtime_dir's default, writable under strict
    }

    @Test
    void theShippedFileLogIsWritableUnderTheUnit() throws Exception {
        // conf/logging.properties (opt-in) logs to files in one directory; under ProtectSystem=strict only the unit's
        // LogsDirectory= (/var/log/<name>) or a ReadWritePaths= entry can be written there
        java.util.Properties logging = new java.util.Properties();
        try (var in = Files.newInputStream(UNIT.resolveSibling("logging.properties"))) {
            logging.load(in);
        }
        Path logDirectory = Path.of(logging.getProperty("java.util.logging.FileHandler.pattern")).getParent();
        Map<String, List<String>> service = service();
        List<Path> writable = new ArrayList<>();
        service.getOrDefault("LogsDirectory", List.of()).forEach(name -> writable.add(Path.of("/var/log", name)));
        service.getOrDefault("ReadWritePaths", List.of()).forEach(path -> writable.add(Path.of(path)));
        assertTrue(writable.stream().anyMatch(logDirectory::startsWith),
                "conf/logging.properties logs to " + logDirectory + ", which the unit leaves read-only: " + writable);
    }

    @Test
    void thePolicyEnginesUnitRunsThePolicyJobReloadsOnHupAndIsHardenedAsTheAgents() throws Exception {
        Map<String, List<String>> policy = service(POLICY_UNIT);
        assertEquals("/opt/azlhsm/bin/copytool policy --config /etc/azlhsm/copytool.properties",
                one(policy, "ExecStart"));
        assertEquals("/bin/kill -HUP $MAINPID", one(policy, "ExecReload"));
        assertEquals("4", one(policy, "SuccessExitStatus"), "a stop cancels the job, which exits 4 (Canceled)");
        assertEquals("on-failure", one(policy, "Restart"));
        assertEquals("78 2", one(policy, "RestartPreventExitStatus"));
        Map<String, List<String>> agent = service();
        for (String key : List.of("NoNewPrivileges", "PrivateTmp", "ProtectHome", "ProtectSystem", "ReadWritePaths",
                "ProtectKernelTunables", "ProtectControlGroups", "RestrictSUIDSGID", "LockPersonality", "User")) {
            assertEquals(agent.get(key), policy.get(key), key);
        }
    }

    @Test
    void systemdAnalyzeVerifiesTheUnit(@TempDir Path root) throws Exception {
        verify(root, UNIT, "azlhsm-copytool.service");
    }

    @Test
    void systemdAnalyzeVerifiesThePolicyEnginesUnit(@TempDir Path root) throws Exception {
        verify(root, POLICY_UNIT, "azlhsm-copytool-policy.service");
    }

    private static void verify(Path root, Path unit, String installedName) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SYSTEMD_ANALYZE), SYSTEMD_ANALYZE + " is not installed: the unit"
                + " is checked by the other tests of this class only");
        Assumptions.assumeTrue(Files.isDirectory(HOST_UNITS), HOST_UNITS + " is absent: systemd-analyze would find"
                + " none of the targets the unit names");
        // A root where the unit is installed as the README says, the launcher exists (verify checks that ExecStart
        // names an executable) and the host's own units (remote-fs.target, ...) are found.
        Path launcher = root.resolve("opt/azlhsm/bin/copytool");
        Files.createDirectories(launcher.getParent());
        Files.writeString(launcher, "#!/bin/sh\n");
        launcher.toFile().setExecutable(true);
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"));
        root.resolve("bin/kill").toFile().setExecutable(true);
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        Files.createSymbolicLink(root.resolve("usr/lib/systemd/system"), HOST_UNITS);
        Path installed = root.resolve("etc/systemd/system/" + installedName);
        Files.createDirectories(installed.getParent());
        Files.copy(unit, installed);

        Process verify = new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", "--root=" + root,
                installed.toString()).redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(verify.waitFor(120, TimeUnit.SECONDS), "systemd-analyze verify did not finish");
        assertEquals(0, verify.exitValue(), output);
        List<String> aboutTheUnit = output.lines().filter(line -> line.contains(installedName)).toList();
        assertEquals(List.of(), aboutTheUnit, "systemd-analyze verify warns about the unit:\n" + output);
    }
}

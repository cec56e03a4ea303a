package io.azlhsm.copytool.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb and .rpm that {@code mvn package} makes (copytool/pom.xml: jdeb, and rpm-maven-plugin where rpmbuild is
 * installed), read with the package tools themselves: the launcher and every jar the tarball has, the unit, the
 * configuration as a kept-on-upgrade config file of mode 0600 owned by root, the docs, and the Java 17 dependency.
 * Installing the .deb on the machine is .ci/package-check's job.
 */
class NodePackageIT {
    private static final Path ROOT = Path.of(System.getProperty("azlhsm.native.dir"), "..", "..").normalize();
    private static final Path TARGET = ROOT.resolve("copytool/target");
    private static final Path RPMBUILD = Path.of("/usr/bin/rpmbuild");

    /** One package entry: its mode string as the tool prints it, owner and group. */
    private record Entry(String mode, String owner) {
    }

    @Test
    void theDebInstallsTheLauncherTheUnitTheConfigurationAndTheDocs(@TempDir Path unpacked) throws Exception {
        Path deb = onlyFile(TARGET, "azlhsm_", "_all.deb");
        Map<String, Entry> entries = new TreeMap<>();
        // drwxr-x--- root/root         0 2026-12-06 19:51 ./etc/azlhsm/
        for (String line : run("dpkg-deb", "--contents", deb.toString()).lines().toList()) {
            String[] fields = line.split("\\s+", 6);
            String path = fields[5].substring(1); // "./opt/..." -> "/opt/..."
            entries.put(path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path,
                    new Entry(fields[0], fields[1]));
        }
        String all = String.join("\n", entries.keySet());

        assertEntry(entries, "/opt/azlhsm/bin/copytool", "-rwxr-xr-x", "root/root");
        assertEquals(1, entries.keySet().stream().filter(p -> p.matches("/opt/azlhsm/share/copytool-.*\\.jar")).count(),
                "one copytool jar in /opt/azlhsm/share:\n" + all);
        assertEquals(runtimeJars(), under(entries, "/opt/azlhsm/share/lib/"),
                "the jars in /opt/azlhsm/share/lib are those copy-dependencies put in target/lib");
        assertEntry(entries, "/lib/systemd/system/azlhsm-copytool.service", "-rw-r--r--", "root/root");
        assertEntry(entries, "/lib/systemd/system/azlhsm-copytool-policy.service", "-rw-r--r--", "root/root");
        assertEntry(entries, "/etc/azlhsm", "drwxr-x---", "root/root");
        assertEntry(entries, "/etc/azlhsm/copytool.properties", "-rw-------", "root/root");
        assertEntry(entries, "/etc/azlhsm/logging.properties", "-rw-r--r--", "root/root");
        assertEntry(entries, "/usr/share/azlhsm/grafana-dashboard.json", "-rw-r--r--", "root/root");
        assertEquals(docs(), under(entries, "/usr/share/doc/azlhsm/"), "the docs in /usr/share/doc/azlhsm");

        assertEquals(List.of("/etc/azlhsm/copytool.properties", "/etc/azlhsm/logging.properties"),
                run("dpkg-deb", "--info", deb.toString(), "conffiles").lines().map(String::strip).sorted().toList(),
                "dpkg conffiles: kept on upgrade when edited");
        assertEquals("azlhsm", run("dpkg-deb", "--field", deb.toString(), "Package").strip());
        assertEquals("openjdk-17-jre-headless | java17-runtime-headless",
                run("dpkg-deb", "--field", deb.toString(), "Depends").strip());

        // The files are the project's own: the unit and the configuration as conf/ has them.
        run("dpkg-deb", "--extract", deb.toString(), unpacked.toString());
        assertSameBytes(ROOT.resolve("conf/copytool.service"),
                unpacked.resolve("lib/systemd/system/azlhsm-copytool.service"));
        assertSameBytes(ROOT.resolve("conf/copytool-policy.service"),
                unpacked.resolve("lib/systemd/system/azlhsm-copytool-policy.service"));
        assertSameBytes(ROOT.resolve("conf/copytool.properties"), unpacked.resolve("etc/azlhsm/copytool.properties"));
        assertSameBytes(ROOT.resolve("copytool/bin/copytool"), unpacked.resolve("opt/azlhsm/bin/copytool"));
    }

    @Test
    void theRpmInstallsTheSameWithItsUnitInUsrLib() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(RPMBUILD), RPMBUILD + " is not installed: no .rpm is built"
                + " (copytool/pom.xml, profile rpm)");
        Path rpm = onlyFile(TARGET.resolve("rpm/azlhsm/RPMS/noarch"), "azlhsm-", ".noarch.rpm");
        Map<String, Entry> entries = new TreeMap<>();
        Map<String, String> flags = new TreeMap<>();
        // path mode user group fileflags (c: config, n: noreplace, d: doc), one file a line
        for (String line : run("rpm", "-qp", "--queryformat",
                "[%{FILENAMES} %{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags}\\n]",
                rpm.toString()).lines().toList()) {
            String[] fields = line.split(" ", -1);
            entries.put(fields[0], new Entry(fields[1], fields[2] + "/" + fields[3]));
            flags.put(fields[0], fields[4]);
        }
        String all = String.join("\n", entries.keySet());

        assertEntry(entries, "/opt/azlhsm/bin/copytool", "-rwxr-xr-x", "root/root");
        assertEquals(1, entries.keySet().stream().filter(p -> p.matches("/opt/azlhsm/share/copytool-.*\\.jar")).count(),
                "one copytool jar in /opt/azlhsm/share:\n" + all);
        assertEquals(runtimeJars(), under(entries, "/opt/azlhsm/share/lib/"),
                "the jars in /opt/azlhsm/share/lib are those copy-dependencies put in target/lib");
        assertEntry(entries, "/usr/lib/systemd/system/azlhsm-copytool.service", "-rw-r--r--", "root/root");
        assertEntry(entries, "/usr/lib/systemd/system/azlhsm-copytool-policy.service", "-rw-r--r--", "root/root");
        assertEntry(entries, "/etc/azlhsm", "drwxr-x---", "root/root");
        assertEntry(entries, "/etc/azlhsm/copytool.properties", "-rw-------", "root/root");
        assertEquals("cn", flags.get("/etc/azlhsm/copytool.properties"), "%config(noreplace): kept on upgrade");
        assertEquals("cn", flags.get("/etc/azlhsm/logging.properties"), "%config(noreplace): kept on upgrade");
        assertEntry(entries, "/usr/share/azlhsm/grafana-dashboard.json", "-rw-r--r--", "root/root");
        assertEquals(docs(), under(entries, "/usr/share/doc/azlhsm/"), "the docs in /usr/share/doc/azlhsm");
        // Every path the package owns is under its own directories, so an erase leaves nothing in /opt/azlhsm.
        assertTrue(entries.containsKey("/opt/azlhsm") && entries.containsKey("/opt/azlhsm/share"), all);

        assertTrue(run("rpm", "-qp", "--requires", rpm.toString()).lines()
                        .anyMatch("(java-17-openjdk-headless or jre-17-headless)"::equals),
                "the rpm requires a Java 17 runtime");
    }

    private static void assertEntry(Map<String, Entry> entries, String path, String mode, String owner) {
        Entry entry = entries.get(path);
        if (entry == null) {
            fail(path + " is not in the package:\n" + String.join("\n", entries.keySet()));
        }
        assertEquals(new Entry(mode, owner), entry, path);
    }

    /** The names (relative to {@code prefix}) of the package's files below {@code prefix}, directories left out. */
    private static Set<String> under(Map<String, Entry> entries, String prefix) {
        Set<String> names = new TreeSet<>();
        entries.forEach((path, entry) -> {
            if (path.startsWith(prefix) && !entry.mode().startsWith("d")) {
                names.add(path.substring(prefix.length()));
            }
        });
        return names;
    }

    private static Set<String> runtimeJars() throws IOException {
        try (Stream<Path> jars = Files.list(TARGET.resolve("lib"))) {
            Set<String> names = new TreeSet<>(jars.map(jar -> jar.getFileName().toString()).toList());
            assertTrue(names.size() > 10, "target/lib holds the runtime dependencies: " + names);
            return names;
        }
    }

    private static Set<String> docs() throws IOException {
        Set<String> names = new TreeSet<>(List.of("README.md", "CHANGELOG.md", "LICENSE"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.forEach(doc -> names.add("docs/" + doc.getFileName()));
        }
        return names;
    }

    private static Path onlyFile(Path dir, String prefix, String suffix) throws IOException {
        assertTrue(Files.isDirectory(dir), dir + " is missing: mvn package makes the package there");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(suffix)).toList();
            assertEquals(1, found.size(), "one " + prefix + "*" + suffix + " in " + dir + ": " + found);
            return found.get(0);
        }
    }

    private static void assertSameBytes(Path expected, Path actual) throws IOException {
        assertTrue(Files.isRegularFile(actual), actual + " is missing");
        assertTrue(Arrays.equals(Files.readAllBytes(expected), Files.readAllBytes(actual)),
                actual + " differs from " + expected);
    }

    /** Runs a package tool and returns its standard output; its error output goes into the failure message. */
    private static String run(String... command) throws Exception {
        Path errors = Files.createTempFile("package-tool", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
            assertEquals(0, process.exitValue(), String.join(" ", command) + " failed: " + Files.readString(errors));
            return out;
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}

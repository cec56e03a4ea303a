package io.azlhsm.testcluster.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the test-cluster directory (scripts, npm packages) and the native build output.
 *
 * <p>The Maven build passes both as system properties; a developer running a test from an IDE can set the
 * environment variables of the same names instead, or run from a directory inside the checkout.
 */
public final class TestClusterHome {
    private TestClusterHome() {
    }

    /** The test-cluster directory, holding {@code bin/} and {@code node_modules/}. */
    public static Path directory() {
        String configured = firstSet(System.getProperty("azlhsm.testcluster.home"), System.getenv("AZLHSM_TESTCLUSTER_HOME"));
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("test-cluster");
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
            if (Files.isRegularFile(dir.resolve("package.json")) && dir.getFileName().toString().equals("test-cluster")) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the test-cluster directory: set -Dazlhsm.testcluster.home");
    }

    /** The native-shim build directory holding libhsmsim.so and the C tools. */
    public static Path nativeDirectory() {
        String configured = firstSet(System.getProperty("azlhsm.native.dir"), System.getenv("AZLHSM_NATIVE_DIR"));
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        return directory().resolveSibling("native-shim").resolve("build");
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}

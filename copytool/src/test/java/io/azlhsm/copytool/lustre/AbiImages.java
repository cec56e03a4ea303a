package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Runs native-shim's {@code abi_images} program, which builds Lustre structures from the C header: it writes
 * binary images plus a manifest of the fields it set, or decodes images Java wrote. The program lives in the
 * directory named by the system property {@code azlhsm.native.dir} (set by the Maven build).
 */
final class AbiImages {
    private AbiImages() {
    }

    static Path program() {
        String dir = System.getProperty("azlhsm.native.dir");
        assertNotNull(dir, "system property azlhsm.native.dir is not set (run through Maven)");
        Path program = Path.of(dir, "abi_images");
        assertTrue(Files.isExecutable(program), program + " is missing: run make -C native-shim");
        return program;
    }

    /** Writes the C-built images into {@code dir} and returns the manifest, key to value, in program order. */
    static Map<String, String> write(Path dir) throws IOException, InterruptedException {
        return parse(run(List.of(program().toString(), "write", dir.toString())));
    }

    /** Has the C side decode an image and returns the fields it printed. */
    static Map<String, String> read(String mode, Path image) throws IOException, InterruptedException {
        return parse(run(List.of(program().toString(), mode, image.toString())));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "abi_images did not finish");
        assertEquals(0, process.exitValue(), "abi_images " + command.subList(1, command.size()) + " failed");
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Map<String, String> parse(String manifest) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : manifest.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "manifest line without '=': " + line);
            fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return fields;
    }

    /** The bytes as native memory, so decoders are exercised through the same Pointer path production uses. */
    static Pointer toNative(byte[] bytes) {
        Pointer memory = Memory.allocateDirect(Runtime.getSystemRuntime(), Math.max(bytes.length, 1), true);
        memory.put(0, bytes, 0, bytes.length);
        return memory;
    }

    /** A manifest value printed with %llu, as the Java long with the same bits. */
    static long u64(Map<String, String> manifest, String key) {
        return Long.parseUnsignedLong(value(manifest, key));
    }

    /** A manifest value printed with %llu from a u32, as the Java int with the same bits. */
    static int u32(Map<String, String> manifest, String key) {
        long value = Long.parseLong(value(manifest, key));
        assertTrue(value >= 0 && value <= 0xFFFF_FFFFL, key + " does not fit 32 bits: " + value);
        return (int) value;
    }

    static String value(Map<String, String> manifest, String key) {
        String value = manifest.get(key);
        assertNotNull(value, "manifest lacks " + key);
        return value;
    }

    static List<String> keysWithPrefix(Map<String, String> manifest, String prefix) {
        List<String> keys = new ArrayList<>();
        for (String key : manifest.keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }
}

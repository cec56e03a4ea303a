package io.azlhsm.testcluster.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test files on the simulated mount: deterministic random content, so a restore can be checked byte for byte. */
final class TestFiles {
    private TestFiles() {
    }

    static Path create(Path file, int size) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content(file.getFileName().toString(), size));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] content(String seed, int size) {
        byte[] data = new byte[size];
        new Random(seed.hashCode()).nextBytes(data);
        return data;
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] readOrThrow(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    static Path directory(Path mount, String testName) {
        try {
            return Files.createDirectories(mount.resolve(testName.replaceAll("[^A-Za-z0-9_]", "_")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

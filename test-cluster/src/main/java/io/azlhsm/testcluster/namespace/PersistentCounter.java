package io.azlhsm.testcluster.namespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A monotonic counter that survives restarts and never hands out a value twice, even after a crash: it persists a
 * reservation ahead of the values it gives out (as Lustre's sequence controller grants FID ranges), so the file is
 * written once per {@link #BLOCK} values rather than on every call.
 */
public final class PersistentCounter {
    private static final long BLOCK = 1024;

    private final Path file;
    private long next;
    private long reservedUpTo;

    public PersistentCounter(Path file, long firstValue) {
        this.file = file;
        try {
            long stored = Files.exists(file)
                    ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : firstValue;
            this.next = Math.max(stored, firstValue);
            this.reservedUpTo = next;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized long next() {
        if (next >= reservedUpTo) {
            reservedUpTo = next + BLOCK;
            persist(reservedUpTo);
        }
        return next++;
    }

    private void persist(long value) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Long.toString(value), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.azlhsm.copytool.jobs.imports;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What auto-import decided last, per blob: its name and the ETag it had then, one line each, in the order the last
 * pass listed them. A file, not memory: an incremental pass streams it beside the listing (a merge of two sequences in
 * the same order), so the job's heap does not grow with the container, and it outlives the job, so blobs deleted
 * while no auto-import ran are still found. One file per archive, target and prefixes, under
 * {@code <mount>/.azlhsm/auto-import/}; a pass writes the next one beside it and renames it over the old one only
 * when the pass listed everything (a pass cut short leaves the old one, and the next pass decides again what the cut
 * one had decided: the import finds a stub of the same blob and ETag preexisting, a deleted stub gone).
 */
final class ImportedState {
    static final String DIRECTORY = "auto-import";

    /** What must hold before a state replaces the last one: the job still holds its lock ({@code JobFence::verify}). */
    interface Fence {
        void verify(String what) throws IOException;
    }

    /** One line: a blob name and the ETag it had when it was last decided. */
    record Entry(String name, String etag) {
    }

    private final Path file;

    ImportedState(Path jobStoreDirectory, int archiveId, String target, List<String> prefixes) {
        this.file = jobStoreDirectory.resolve(DIRECTORY).resolve(key(archiveId, target, prefixes) + ".state");
    }

    Path file() {
        return file;
    }

    /** Whether an earlier pass (of this or an earlier run) left a state. */
    boolean exists() {
        return Files.isRegularFile(file);
    }

    /** The last state, in listing order; empty when there is none yet. */
    Reader read() throws IOException {
        try {
            return new Reader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException none) {
            return new Reader(null);
        }
    }

    /** The next state; nothing replaces the current one until {@link Writer#commit}. */
    Writer write(Fence fence) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        return new Writer(temporary, fence);
    }

    /** The name of a state: the same archive, target and prefixes find the same state again. */
    private static String key(int archiveId, String target, List<String> prefixes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((archiveId + "\n" + target + "\n" + String.join("\n", prefixes))
                    .getBytes(StandardCharsets.UTF_8));
            return "archive" + archiveId + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** '%', tab, CR and LF as %XX: a blob name may hold them, a line may not. */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '\t' || c == '\n' || c == '\r') {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append('%').append(String.format("%02X", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    static String unescape(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                out.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The entries of a state, one at a time. */
    static final class Reader implements AutoCloseable {
        private final BufferedReader lines;
        private Entry head;

        private Reader(BufferedReader lines) throws IOException {
            this.lines = lines;
            advance();
        }

        /** The next entry not yet taken; null at the end. */
        Entry peek() {
            return head;
        }

        /** Takes the entry {@link #peek} returned. */
        void advance() throws IOException {
            head = null;
            if (lines == null) {
                return;
            }
            String line;
            while ((line = lines.readLine()) != null) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    head = new Entry(unescape(line.substring(0, tab)), unescape(line.substring(tab + 1)));
                    return;
                }
                // a line cut by a crash while it was written can only be the last of a temporary file, never of a
                // committed state; anything else unreadable is passed over: the blob is then decided again
            }
        }

        @Override
        public void close() throws IOException {
            if (lines != null) {
                lines.close();
            }
        }
    }

    /** The next state, written as the pass lists. */
    final class Writer implements AutoCloseable {
        private final Path temporary;
        private final Fence fence;
        private final OutputStream stream;
        private final BufferedWriter out;
        private boolean committed;
        private long entries;

        private Writer(Path temporary, Fence fence) throws IOException {
            this.temporary = temporary;
            this.fence = fence;
            this.stream = Files.newOutputStream(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            this.out = new BufferedWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        }

        void add(String name, String etag) throws IOException {
            out.write(escape(name));
            out.write('\t');
            out.write(escape(etag));
            out.write('\n');
            entries++;
        }

        long entries() {
            return entries;
        }

        /** Makes this the state, on disk, if the job still holds its lock (a stalled holder's pass is dropped). */
        void commit() throws IOException {
            out.flush();
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            out.close();
            fence.verify("the auto-import state " + file);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                out.close();
                Files.deleteIfExists(temporary);
            }
        }
    }
}

package io.azlhsm.copytool.jobs.check;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The blobs the merge found no file for at their own path, and the blobs files record under another name (renamed
 * files, files of another archive's prefix, imported stubs moved since): the two are joined at the end of the walk,
 * without holding either whole in memory. Both spill to files in a scratch directory; the join reads the recorded
 * names a chunk at a time ({@link #CHUNK} of them in a hash set) and passes the unclaimed blobs through once per
 * chunk, keeping only those no chunk claims. Renames are rare, so there is usually one chunk or none.
 */
final class UnclaimedBlobs implements AutoCloseable {
    /** Recorded names held in memory at once during the join. */
    static final int CHUNK = 200_000;

    /**
     * An unclaimed blob as spilled.
     *
     * @param version a preserved version's id ({@link PreservedCopies}); null for the blob itself
     */
    record Blob(String name, String etag, long size, long lastModifiedMillis, String fid, boolean oursByMetadata,
                String version) {
        Blob(String name, String etag, long size, long lastModifiedMillis, String fid, boolean oursByMetadata) {
            this(name, etag, size, lastModifiedMillis, fid, oursByMetadata, null);
        }
    }

    /** Told the fate of each spilled blob once the join is done. */
    interface Outcome {
        /** A file records this blob under its name (renamed since, or elsewhere in the tree). */
        void claimed(Blob blob) throws Exception;

        /** No file of the walk records it. */
        void unclaimed(Blob blob) throws Exception;
    }

    private final Path directory;
    private final Path blobsFile;
    private final Path claimsFile;
    private final DataOutputStream blobs;
    private final DataOutputStream claims;
    private long blobCount;
    private long claimCount;

    /**
     * @param directory the scratch directory, made if missing; whatever a crashed check left in it is deleted first
     *                  (its name is fixed per report, so a check run again after a crash finds its predecessor's)
     */
    UnclaimedBlobs(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        deleteContents();
        blobsFile = directory.resolve("unclaimed");
        claimsFile = directory.resolve("claims");
        blobs = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(blobsFile)));
        claims = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(claimsFile)));
    }

    void addBlob(Blob blob) throws IOException {
        write(blobs, blob);
        blobCount++;
    }

    /** A blob a file records (and that was found there with that ETag) under a name the merge does not pair it with. */
    void addClaim(String name, String etag) throws IOException {
        claims.writeUTF(name);
        claims.writeUTF(etag == null ? "" : etag);
        claimCount++;
    }

    long blobCount() {
        return blobCount;
    }

    /** Joins the two and tells the outcome of every spilled blob, in no particular order. */
    void resolve(Outcome outcome) throws Exception {
        blobs.close();
        claims.close();
        Path remaining = blobsFile;
        if (claimCount > 0 && blobCount > 0) {
            try (DataInputStream in = input(claimsFile)) {
                int pass = 0;
                while (true) {
                    Set<String> chunk = new HashSet<>();
                    try {
                        while (chunk.size() < CHUNK) {
                            chunk.add(in.readUTF() + "\n" + in.readUTF());
                        }
                    } catch (EOFException end) {
                        // last chunk
                    }
                    if (chunk.isEmpty()) {
                        break;
                    }
                    Path next = directory.resolve("unclaimed." + (++pass));
                    try (DataInputStream candidates = input(remaining);
                         DataOutputStream kept = new DataOutputStream(new BufferedOutputStream(
                                 Files.newOutputStream(next)))) {
                        for (Blob blob = read(candidates); blob != null; blob = read(candidates)) {
                            if (chunk.contains(blob.name() + "\n" + blob.etag())) {
                                outcome.claimed(blob);
                            } else {
                                write(kept, blob);
                            }
                        }
                    }
                    if (!remaining.equals(blobsFile)) {
                        Files.delete(remaining);
                    }
                    remaining = next;
                    if (chunk.size() < CHUNK) {
                        break;
                    }
                }
            }
        }
        try (DataInputStream left = input(remaining)) {
            for (Blob blob = read(left); blob != null; blob = read(left)) {
                outcome.unclaimed(blob);
            }
        }
    }

    private static DataInputStream input(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
    }

    private static void write(DataOutputStream out, Blob blob) throws IOException {
        out.writeUTF(blob.name());
        out.writeUTF(blob.etag());
        out.writeLong(blob.size());
        out.writeLong(blob.lastModifiedMillis());
        out.writeUTF(blob.fid() == null ? "" : blob.fid());
        out.writeBoolean(blob.oursByMetadata());
        out.writeUTF(blob.version() == null ? "" : blob.version());
    }

    private static Blob read(DataInputStream in) throws IOException {
        String name;
        try {
            name = in.readUTF();
        } catch (EOFException end) {
            return null;
        }
        String etag = in.readUTF();
        long size = in.readLong();
        long lastModified = in.readLong();
        String fid = in.readUTF();
        boolean ours = in.readBoolean();
        String version = in.readUTF();
        return new Blob(name, etag, size, lastModified, fid.isEmpty() ? null : fid, ours,
                version.isEmpty() ? null : version);
    }

    private void deleteContents() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Deletes the scratch files. */
    @Override
    public void close() {
        try {
            blobs.close();
            claims.close();
            deleteContents();
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the check's scratch directory " + directory, e);
        }
    }
}

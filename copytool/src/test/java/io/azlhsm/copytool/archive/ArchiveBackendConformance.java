package io.azlhsm.copytool.archive;

import static io.azlhsm.copytool.archive.WriteCondition.absent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ArchiveBackend} must do, run against each backend by a subclass. Each test works under its own
 * name prefix, so the tests of one class share one backend (and one Azurite) without seeing each other's objects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ArchiveBackendConformance {
    /** Small chunks keep the multi-chunk cases quick while still exercising many parts. */
    protected static final int CHUNK = 1024 * 1024;
    protected static final long MULTI_CHUNK_SIZE = 64L * 1024 * 1024 + 12_345;
    private static final int STAGING_THREADS = 4;

    private ArchiveBackend backend;
    private String relativePrefix;
    private final AtomicInteger objectCounter = new AtomicInteger();

    /** A backend with chunk size {@link #CHUNK} and a single-request limit of at least {@code CHUNK + 1}. */
    protected abstract ArchiveBackend createBackend() throws Exception;

    /** The most parts one object may have in this backend. */
    protected abstract long maxParts();

    /** The largest chunk the archive takes (a posix archive: what one buffer holds). */
    protected long maxChunkSize() {
        return ChunkSizing.MAX_BUFFER_CHUNK;
    }

    protected final ArchiveBackend backend() throws Exception {
        if (backend == null) {
            backend = createBackend();
        }
        return backend;
    }

    @BeforeEach
    void prefixFor(TestInfo test) {
        String method = test.getTestMethod().map(m -> m.getName()).orElse("test");
        relativePrefix = method + "-" + Integer.toHexString(test.getDisplayName().hashCode()) + "/";
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** A fresh object name under this test's prefix. */
    protected final String newName(String leaf) throws Exception {
        return backend().objectName(relativePrefix + objectCounter.incrementAndGet() + "/" + leaf);
    }

    /** The full object-name prefix of this test's objects (the backend's archive prefix included). */
    protected final String testPrefix() throws Exception {
        String probe = backend().objectName(relativePrefix + "x"); // objectName wants a leaf; drop it again
        return probe.substring(0, probe.length() - 1);
    }

    protected static Map<String, String> metadataFor(String writer) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(BlobMetadataCodec.OWNER, "1000");
        metadata.put(BlobMetadataCodec.GROUP, "100");
        metadata.put(BlobMetadataCodec.PERMISSIONS, "0644");
        metadata.put("writer", writer);
        return metadata;
    }

    // ---------------------------------------------------------------- round trips

    static Stream<Arguments> roundTripSizes() {
        return Stream.of(0L, 1L, CHUNK - 1L, (long) CHUNK, CHUNK + 1L)
                .flatMap(size -> Stream.of(Arguments.of(size, true), Arguments.of(size, false)));
    }

    @ParameterizedTest(name = "{0} bytes, putWhole={1}")
    @MethodSource("roundTripSizes")
    void dataMetadataAndMd5RoundTrip(long size, boolean whole) throws Exception {
        GeneratedData data = new GeneratedData(size * 31 + 7, size);
        String name = newName("file-" + size + ".bin");
        ObjectAttributes attributes = new ObjectAttributes(data.md5(), metadataFor("round-trip"));

        StoredObject written = whole
                ? backend().putWhole(name, data.range(0, (int) size), attributes, absent())
                : uploadInParallel(name, data, attributes);

        StoredObject stat = backend().stat(name).orElseThrow(() -> new AssertionError("no object after upload"));
        assertEquals(size, written.size());
        assertEquals(size, stat.size());
        assertEquals(written.etag(), stat.etag(), "the ETag returned by the upload is the object's");
        assertArrayEquals(data.md5(), stat.contentMd5(), "Content-MD5 not kept");
        assertEquals(attributes.metadata(), stat.metadata());
        assertReadsBack(name, stat.etag(), data);
    }

    @Test
    void multiChunkFileStagedInParallelOutOfOrderRoundTrips() throws Exception {
        GeneratedData data = new GeneratedData(20261122, MULTI_CHUNK_SIZE);
        String name = newName("large.bin");
        long chunkSize = backend().chunkSize(data.size());
        assertEquals(CHUNK, chunkSize, "a 64 MiB file needs no chunk growth");
        byte[] md5 = data.md5();

        StoredObject written = uploadInParallel(name, data, new ObjectAttributes(md5, metadataFor("parallel")));

        StoredObject stat = backend().stat(name).orElseThrow();
        assertEquals(MULTI_CHUNK_SIZE, stat.size());
        assertEquals(written.etag(), stat.etag());
        assertArrayEquals(md5, stat.contentMd5());
        assertEquals(metadataFor("parallel"), stat.metadata());
        assertReadsBack(name, stat.etag(), data);
    }

    /** Stages every chunk from several threads in shuffled order, each thread reusing one direct buffer. */
    protected final StoredObject uploadInParallel(String name, GeneratedData data, ObjectAttributes attributes)
            throws Exception {
        long chunkSize = backend().chunkSize(data.size());
        ChunkedUpload upload = backend().beginUpload(name, data.size(), chunkSize);
        int chunks = (int) ChunkSizing.partCount(data.size(), chunkSize);
        List<Integer> order = new ArrayList<>(IntStream.range(0, chunks).boxed().toList());
        Collections.shuffle(order, new Random(name.hashCode()));
        ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect((int) chunkSize));
        runAll(order.stream().<Callable<Void>>map(index -> () -> {
            long offset = index * chunkSize;
            ByteBuffer buffer = buffers.get().clear().limit((int) Math.min(chunkSize, data.size() - offset));
            upload.stage(index, data.fill(buffer, offset));
            assertEquals(0, buffer.position(), "stage must not move the caller's buffer");
            return null;
        }).toList());
        return upload.commit(chunks, attributes, absent());
    }

    /** Reads the object back in chunk-sized ranges (last one short) and compares with the generator and its MD5. */
    protected final void assertReadsBack(String name, String etag, GeneratedData data) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        var md5 = ContentMd5.newDigest();
        for (long offset = 0; offset < data.size(); offset += CHUNK) {
            buffer.clear().limit((int) Math.min(CHUNK, data.size() - offset));
            backend().read(name, etag, offset, buffer);
            assertFalse(buffer.hasRemaining(), "read must fill the buffer");
            buffer.flip();
            long mismatch = data.firstMismatch(buffer, offset);
            if (mismatch >= 0) {
                fail(name + ": byte " + mismatch + " differs from what was written");
            }
            md5.update(buffer);
        }
        assertArrayEquals(data.md5(), md5.digest(), "MD5 of the bytes read back");
        // An odd range in the middle, into a buffer whose position is not 0.
        if (data.size() > 10) {
            ByteBuffer odd = ByteBuffer.allocate(20).position(3).limit(3 + (int) Math.min(10, data.size() - 5));
            backend().read(name, etag, 5, odd);
            assertEquals(odd.limit(), odd.position(), "read advances dst's position to its limit");
            assertEquals(-1, data.firstMismatch(odd.flip().position(3), 5));
        }
    }

    // ---------------------------------------------------------------- identity and conditions

    @Test
    void readWithStaleEtagFailsPreconditionAndReplacingChangesEtag() throws Exception {
        String name = newName("replaced.bin");
        StoredObject first = backend().putWhole(name, ByteBuffer.wrap(new byte[] {1, 2, 3}), ObjectAttributes.none(), absent());
        StoredObject second = backend().putWhole(name, ByteBuffer.wrap(new byte[] {4, 5, 6}), ObjectAttributes.none(),
                WriteCondition.etag(first.etag()));
        assertNotEquals(first.etag(), second.etag(), "a replaced object must get a new ETag");

        ArchiveException stale = assertThrows(ArchiveException.class,
                () -> backend().read(name, first.etag(), 0, ByteBuffer.allocate(3)));
        assertEquals(Kind.PRECONDITION, stale.kind(), stale.getMessage());
        assertEquals(ArchiveException.Errno.ESTALE, stale.errno());
        assertTrue(stale.getMessage().contains(name), "the message names the object: " + stale.getMessage());

        ByteBuffer current = ByteBuffer.allocate(3);
        backend().read(name, second.etag(), 0, current);
        assertArrayEquals(new byte[] {4, 5, 6}, current.array());
        ByteBuffer any = ByteBuffer.allocate(3);
        backend().read(name, null, 0, any);
        assertArrayEquals(new byte[] {4, 5, 6}, any.array());
    }

    @Test
    void writesHappenOnlyOnTheConditionTheWriterBelieves() throws Exception {
        String name = newName("conditional.bin");
        StoredObject first = backend().putWhole(name, ByteBuffer.wrap(new byte[] {1}), ObjectAttributes.none(),
                absent());
        for (WriteCondition wrong : List.of(absent(), WriteCondition.etag("\"0xNotItsEtag\""))) {
            ArchiveException refused = assertThrows(ArchiveException.class, () -> backend().putWhole(name,
                    ByteBuffer.wrap(new byte[] {2}), ObjectAttributes.none(), wrong));
            assertEquals(Kind.PRECONDITION, refused.kind(), wrong + ": " + refused.getMessage());
        }
        GeneratedData data = new GeneratedData(7, 2L * CHUNK);
        ChunkedUpload upload = backend().beginUpload(name, data.size(), CHUNK);
        upload.stage(0, data.range(0, CHUNK));
        upload.stage(1, data.range(CHUNK, CHUNK));
        ObjectAttributes attributes = new ObjectAttributes(data.md5(), Map.of());
        assertEquals(Kind.PRECONDITION, assertThrows(ArchiveException.class,
                () -> upload.commit(2, attributes, absent())).kind());
        assertEquals(first.etag(), backend().stat(name).orElseThrow().etag(), "a refused write changed the object");

        StoredObject second = upload.commit(2, attributes, WriteCondition.etag(first.etag())); // still staged
        assertNotEquals(first.etag(), second.etag());
        assertReadsBack(name, second.etag(), data);
    }

    @Test
    void aPreservedVersionStaysReadableAndUnlistedAfterItsNameIsOverwritten() throws Exception {
        String name = newName("preserved.bin");
        StoredObject first = backend().putWhole(name, ByteBuffer.wrap(new byte[] {1, 2, 3}), ObjectAttributes.none(),
                absent());
        String version = backend().preserve(name, first.etag());
        assertEquals(version, backend().preserve(name, first.etag()), "preserving twice keeps one version");
        StoredObject second = backend().putWhole(name, ByteBuffer.wrap(new byte[] {4, 5, 6, 7}),
                ObjectAttributes.none(), WriteCondition.etag(first.etag()));

        assertEquals(Optional.of(version), backend().findPreserved(name, first.etag()));
        assertEquals(Optional.empty(), backend().findPreserved(name, second.etag()));
        ByteBuffer kept = ByteBuffer.allocate(3);
        backend().readVersion(name, version, 0, kept);
        assertArrayEquals(new byte[] {1, 2, 3}, kept.array());
        assertEquals(Kind.PRECONDITION, assertThrows(ArchiveException.class,
                () -> backend().preserve(name, "\"0xNeverItsEtag\"")).kind());
        List<String> listed = backend().list(name, null, 10).objects().stream().map(StoredObject::name).toList();
        assertEquals(List.of(name), listed, "preserved versions are not objects of the listing");

        // Deleting the object never takes a preserved version with it (Azure refuses while snapshots hang on it).
        try {
            backend().delete(name, second.etag());
        } catch (ArchiveException e) {
            assertEquals(Kind.PRECONDITION, e.kind(), e.getMessage());
        }
        ByteBuffer still = ByteBuffer.allocate(3);
        backend().readVersion(name, version, 0, still);
        assertArrayEquals(new byte[] {1, 2, 3}, still.array());
    }

    /**
     * Preserved versions are listed by prefix, each with its ETag, size, metadata and the time it was preserved, and
     * deleted one at a time without the object or another version: what {@code check --collect-orphans} needs.
     */
    @Test
    void preservedVersionsAreListedWithTheirMetadataAndDeletedOneByOne() throws Exception {
        java.time.Instant before = java.time.Instant.now().minusSeconds(60);
        String name = newName("versions.bin");
        String other = newName("versions-other.bin");
        Map<String, String> firstMetadata = metadataFor("first");
        firstMetadata.put(BlobMetadataCodec.FID, "[0x200000401:0x1:0x0]");
        StoredObject first = backend().putWhole(name, ByteBuffer.wrap(new byte[] {1, 2, 3}),
                new ObjectAttributes(null, firstMetadata), absent());
        String firstVersion = backend().preserve(name, first.etag());
        StoredObject second = backend().putWhole(name, ByteBuffer.wrap(new byte[] {4, 5, 6, 7}),
                new ObjectAttributes(null, metadataFor("second")), WriteCondition.etag(first.etag()));
        String secondVersion = backend().preserve(name, second.etag());
        StoredObject third = backend().putWhole(name, ByteBuffer.wrap(new byte[] {8}), ObjectAttributes.none(),
                WriteCondition.etag(second.etag()));
        StoredObject unrelated = backend().putWhole(other, ByteBuffer.wrap(new byte[] {9}), ObjectAttributes.none(),
                absent());
        backend().preserve(other, unrelated.etag());

        List<PreservedVersion> listed = new ArrayList<>();
        String token = null;
        do {
            // one page holds them all: Azurite's marker after a page that ends inside a blob's snapshots is the
            // blob's name, so its next page skips that blob's remaining snapshots (Azure's marker is opaque)
            PreservedListing page = backend().listPreserved(name, token, 100);
            listed.addAll(page.versions());
            token = page.nextContinuationToken();
        } while (token != null);
        listed.removeIf(v -> !v.name().equals(name)); // the other name starts with this one
        assertEquals(2, listed.size(), listed::toString);
        PreservedVersion one = listed.stream().filter(v -> v.etag().equals(first.etag())).findFirst().orElseThrow();
        assertEquals(firstVersion, one.versionId());
        assertEquals(3, one.size());
        assertEquals("[0x200000401:0x1:0x0]", one.metadata().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(BlobMetadataCodec.FID)).map(Map.Entry::getValue)
                .findFirst().orElse(null), one.metadata()::toString);
        assertTrue(one.preservedAt() != null && one.preservedAt().isAfter(before), one::toString);
        assertTrue(listed.stream().anyMatch(v -> v.versionId().equals(secondVersion) && v.size() == 4),
                listed::toString);

        assertTrue(backend().deleteVersion(name, firstVersion));
        assertFalse(backend().deleteVersion(name, firstVersion), "already gone");
        assertEquals(Optional.empty(), backend().findPreserved(name, first.etag()));
        assertEquals(Optional.of(secondVersion), backend().findPreserved(name, second.etag()));
        assertEquals(third.etag(), backend().stat(name).orElseThrow().etag(), "the object itself stays");
        assertTrue(backend().findPreserved(other, unrelated.etag()).isPresent());
    }

    /**
     * The FID index: every object written with an {@code azlhsm_fid} (whole or chunked) is found by that FID alone,
     * bracketed or not; an object of another FID or of none is not; once another file's write takes a name, or the
     * object is deleted, the name is no longer found for the first FID.
     */
    @Test
    void objectsAreFoundByTheFidTheyWereWrittenFor() throws Exception {
        String fid = "[0x2000013a1:0x" + Integer.toHexString(objectCounter.incrementAndGet() + 0x700) + ":0x0]";
        String otherFid = "[0x2000013a2:0x1:0x0]";
        Map<String, String> ours = metadataFor("ours");
        ours.put(BlobMetadataCodec.FID, fid);
        Map<String, String> theirs = metadataFor("theirs");
        theirs.put(BlobMetadataCodec.FID, otherFid);
        String whole = newName("whole.bin");
        String chunked = newName("chunked.bin");
        String other = newName("other.bin");
        String untagged = newName("untagged.bin");
        StoredObject wholeObject = backend().putWhole(whole, ByteBuffer.wrap(new byte[] {1}),
                new ObjectAttributes(null, ours), absent());
        GeneratedData data = new GeneratedData(41, 2L * CHUNK + 5);
        ChunkedUpload upload = backend().beginUpload(chunked, data.size(), CHUNK);
        for (int i = 0; i < 3; i++) {
            upload.stage(i, data.range((long) i * CHUNK, (int) Math.min(CHUNK, data.size() - (long) i * CHUNK)));
        }
        StoredObject chunkedObject = upload.commit(3, new ObjectAttributes(null, ours), absent());
        backend().putWhole(other, ByteBuffer.wrap(new byte[] {2}), new ObjectAttributes(null, theirs), absent());
        backend().putWhole(untagged, ByteBuffer.wrap(new byte[] {3}), ObjectAttributes.none(), absent());

        assertEquals(sorted(List.of(chunked, whole)), sorted(backend().findByFid(fid)));
        assertEquals(sorted(List.of(chunked, whole)), sorted(backend().findByFid(fid.substring(1, fid.length() - 1))));

        backend().putWhole(whole, ByteBuffer.wrap(new byte[] {4}), new ObjectAttributes(null, theirs),
                WriteCondition.etag(wholeObject.etag()));
        assertTrue(backend().delete(chunked, chunkedObject.etag()));
        assertEquals(List.of(), backend().findByFid(fid), "another file's object, or a deleted one, is not ours");
        assertTrue(backend().findByFid(otherFid).contains(whole), "the name is found for the file that took it");
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    @Test
    void readPastTheEndIsCorrupt() throws Exception {
        String name = newName("short.bin");
        StoredObject stored = backend().putWhole(name, ByteBuffer.wrap(new byte[10]), ObjectAttributes.none(), absent());
        ArchiveException overlapping = assertThrows(ArchiveException.class,
                () -> backend().read(name, stored.etag(), 5, ByteBuffer.allocate(10)));
        assertEquals(Kind.CORRUPT, overlapping.kind(), overlapping.getMessage());
        ArchiveException beyond = assertThrows(ArchiveException.class,
                () -> backend().read(name, stored.etag(), 20, ByteBuffer.allocate(10)));
        assertEquals(Kind.CORRUPT, beyond.kind(), beyond.getMessage());
    }

    @Test
    void missingObjectsAreEmptyStatNotFoundReadAndFalseDelete() throws Exception {
        String name = newName("never-written.bin");
        assertEquals(Optional.empty(), backend().stat(name));
        ArchiveException read = assertThrows(ArchiveException.class,
                () -> backend().read(name, null, 0, ByteBuffer.allocate(1)));
        assertEquals(Kind.NOT_FOUND, read.kind(), read.getMessage());
        assertEquals(ArchiveException.Errno.ENOENT, read.errno());
        assertFalse(backend().delete(name, null));
        assertFalse(backend().delete(name, "\"some-etag\""));
    }

    @Test
    void deleteHonoursTheExpectedEtag() throws Exception {
        String name = newName("deleted.bin");
        StoredObject stored = backend().putWhole(name, ByteBuffer.wrap(new byte[] {9}), ObjectAttributes.none(), absent());
        String otherEtag = backend().putWhole(newName("other.bin"), ByteBuffer.wrap(new byte[] {8}),
                ObjectAttributes.none(), absent()).etag();

        ArchiveException stale = assertThrows(ArchiveException.class, () -> backend().delete(name, otherEtag));
        assertEquals(Kind.PRECONDITION, stale.kind(), stale.getMessage());
        assertTrue(backend().stat(name).isPresent(), "a refused delete must leave the object");

        assertTrue(backend().delete(name, stored.etag()));
        assertEquals(Optional.empty(), backend().stat(name));
        assertFalse(backend().delete(name, stored.etag()), "deleting again reports it was already gone");
    }

    // ---------------------------------------------------------------- chunked uploads

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {1L << 30, 1L << 40, 90L << 40, 300L << 40})
    void chunkSizeKeepsPartsWithinTheLimitOrRefusesTooLarge(long fileSize) throws Exception {
        try {
            long chunkSize = backend().chunkSize(fileSize);
            assertTrue(chunkSize >= CHUNK, "never below the configured chunk size");
            assertTrue(chunkSize == CHUNK || chunkSize % ChunkSizing.MIB == 0, "grown chunks are whole MiB");
            assertTrue(chunkSize <= maxChunkSize(), "above the largest chunk the archive takes");
            assertTrue(ChunkSizing.partCount(fileSize, chunkSize) <= maxParts(),
                    ChunkSizing.partCount(fileSize, chunkSize) + " parts exceed " + maxParts());
        } catch (ArchiveException e) {
            assertEquals(Kind.TOO_LARGE, e.kind(), e.getMessage());
            assertEquals(ArchiveException.Errno.EFBIG, e.errno());
            assertTrue(fileSize > maxParts() * maxChunkSize(),
                    "refused a file that fits: " + e.getMessage());
        }
    }

    @Test
    void twoConcurrentUploadsOfOneNameLeaveOneCompleteCorrectObject() throws Exception {
        String name = newName("contended.bin");
        long size = 3L * CHUNK + 100;
        GeneratedData[] contents = {new GeneratedData(1, size), new GeneratedData(2, size)};
        ChunkedUpload[] uploads = {backend().beginUpload(name, size, CHUNK), backend().beginUpload(name, size, CHUNK)};
        List<Callable<Void>> stages = new ArrayList<>();
        for (int chunk = 0; chunk < 4; chunk++) {
            for (int writer = 0; writer < 2; writer++) { // interleaved: both uploads' blocks staged side by side
                int w = writer;
                int c = chunk;
                stages.add(() -> {
                    long offset = (long) c * CHUNK;
                    uploads[w].stage(c, contents[w].range(offset, (int) Math.min(CHUNK, size - offset)));
                    return null;
                });
            }
        }
        runAll(stages);
        List<Callable<StoredObject>> commits = new ArrayList<>();
        for (int writer = 0; writer < 2; writer++) {
            int w = writer;
            commits.add(() -> uploads[w].commit(4,
                    new ObjectAttributes(contents[w].md5(), metadataFor("writer" + w)), absent()));
        }
        List<Object> outcomes = runAllCollecting(commits);
        assertTrue(outcomes.stream().anyMatch(StoredObject.class::isInstance), "one commit must succeed: " + outcomes);
        for (Object outcome : outcomes) {
            if (outcome instanceof ArchiveException e) {
                assertEquals(Kind.PRECONDITION, e.kind(), e.getMessage());
            }
        }

        StoredObject stat = backend().stat(name).orElseThrow();
        int winner = stat.metadata().get("writer").equals("writer0") ? 0 : 1;
        assertTrue(outcomes.get(winner) instanceof StoredObject, "the object is from a commit that succeeded");
        assertArrayEquals(contents[winner].md5(), stat.contentMd5());
        assertReadsBack(name, stat.etag(), contents[winner]);
    }

    @Test
    void abortedUploadLeavesNothingCommitted() throws Exception {
        String name = newName("aborted.bin");
        GeneratedData data = new GeneratedData(3, 2L * CHUNK);
        ChunkedUpload upload = backend().beginUpload(name, data.size(), CHUNK);
        upload.stage(1, data.range(CHUNK, CHUNK));
        upload.abort();
        upload.abort(); // idempotent

        assertEquals(Optional.empty(), backend().stat(name));
        assertThrows(ArchiveException.class, () -> upload.stage(0, data.range(0, CHUNK)));
        assertThrows(ArchiveException.class, () -> upload.commit(2, ObjectAttributes.none(), absent()));
        assertEquals(Optional.empty(), backend().stat(name));
        assertEquals(List.of(), backend().list(testPrefix(), null, 10).objects());
    }

    @Test
    void chunksOfTheWrongLengthOrIndexAndIncompleteCommitsAreRefused() throws Exception {
        String name = newName("misused.bin");
        GeneratedData data = new GeneratedData(4, 2L * CHUNK + 10);
        ChunkedUpload upload = backend().beginUpload(name, data.size(), CHUNK);
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> upload.stage(0, data.range(0, CHUNK - 1))).kind(), "short middle chunk");
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> upload.stage(2, data.range(2L * CHUNK, 11))).kind(), "long last chunk");
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> upload.stage(3, data.range(0, 10))).kind(), "index past the end");
        upload.stage(0, data.range(0, CHUNK));
        upload.stage(2, data.range(2L * CHUNK, 10));
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> upload.commit(3, ObjectAttributes.none(), absent())).kind(), "chunk 1 missing");
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> upload.commit(2, ObjectAttributes.none(), absent())).kind(), "wrong chunk count");
        upload.abort();
        assertEquals(Optional.empty(), backend().stat(name));
    }

    @Test
    void putWholeRefusesMoreThanTheSingleRequestLimit() throws Exception {
        String name = newName("too-big-for-one-request.bin");
        long limit = backend().singleRequestLimit();
        assertTrue(limit >= CHUNK + 1L && limit < Integer.MAX_VALUE, "test backends keep the limit small: " + limit);
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> backend().putWhole(name, ByteBuffer.allocate((int) limit + 1), ObjectAttributes.none(), absent()));
        assertEquals(Kind.INVALID, e.kind(), e.getMessage());
        assertEquals(Optional.empty(), backend().stat(name));
        assertEquals(0, backend().putWhole(name, ByteBuffer.allocate(0), ObjectAttributes.none(), absent()).size());
    }

    // ---------------------------------------------------------------- listing and markers

    @Test
    void listingPagesThroughEveryObjectWithMetadata() throws Exception {
        String prefix = testPrefix();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String name = backend().objectName(relativePrefix + "dir" + (i % 2) + "/f" + i);
            backend().putWhole(name, ByteBuffer.wrap(new byte[i]), new ObjectAttributes(null, metadataFor("w" + i)), absent());
            expected.add(name);
        }
        Collections.sort(expected);

        List<StoredObject> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        do {
            ObjectListing page = backend().list(prefix, token, 3);
            pageSizes.add(page.objects().size());
            seen.addAll(page.objects());
            token = page.nextContinuationToken();
        } while (token != null && pageSizes.size() < 10);

        assertEquals(expected, seen.stream().map(StoredObject::name).toList());
        assertEquals(relativePrefix + "dir0/f0", backend().relativePath(seen.get(0).name()),
                "listed names map back to mount-relative paths");
        assertEquals(List.of(3, 3, 1), pageSizes);
        for (StoredObject listed : seen) {
            StoredObject stat = backend().stat(listed.name()).orElseThrow();
            assertEquals(stat.etag(), listed.etag(), "listing and stat agree on the ETag");
            assertEquals(stat.size(), listed.size());
            assertEquals(stat.metadata(), listed.metadata(), "listing carries the metadata");
        }
        ObjectListing narrower = backend().list(prefix + "dir1/", null, 100);
        assertEquals(3, narrower.objects().size());
        assertEquals(null, narrower.nextContinuationToken());
    }

    @Test
    void markersAreZeroLengthFoldersCreatedOnlyWhenAbsent() throws Exception {
        String name = newName("folder");
        backend().putMarker(name, new ObjectAttributes(null, Map.of(BlobMetadataCodec.OWNER, "7")));
        StoredObject marker = backend().stat(name).orElseThrow();
        assertEquals(0, marker.size());
        assertEquals("true", marker.metadata().get(BlobMetadataCodec.IS_FOLDER));
        assertEquals("7", marker.metadata().get(BlobMetadataCodec.OWNER));

        backend().putMarker(name, new ObjectAttributes(null, Map.of(BlobMetadataCodec.OWNER, "8")));
        StoredObject again = backend().stat(name).orElseThrow();
        assertEquals(marker.etag(), again.etag(), "an existing marker is left alone");
        assertEquals("7", again.metadata().get(BlobMetadataCodec.OWNER));
        assertTrue(backend().list(name, null, 10).objects().stream().anyMatch(o -> o.name().equals(name)));
    }

    // ---------------------------------------------------------------- validation before any request

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "/absolute", "a/../b", "..", "../escape", "a/./b", "a//b", "a/", "nul\0byte"})
    void invalidRelativePathsAreRejected(String path) throws Exception {
        ArchiveException e = assertThrows(ArchiveException.class, () -> backend().objectName(path));
        assertEquals(Kind.INVALID, e.kind(), e.getMessage());
        assertEquals(ArchiveException.Errno.EINVAL, e.errno());
    }

    @Test
    void namesOverTheLengthOrSegmentLimitAreRejectedEverywhere() throws Exception {
        String tooLong = "a".repeat(ObjectNames.MAX_NAME_LENGTH + 1);
        String tooDeep = String.join("/", Collections.nCopies(ObjectNames.MAX_SEGMENTS + 1, "d"));
        for (String name : List.of(tooLong, tooDeep, "x/../../etc/passwd")) {
            assertEquals(Kind.INVALID, assertThrows(ArchiveException.class, () -> backend().objectName(name)).kind());
            assertEquals(Kind.INVALID, assertThrows(ArchiveException.class, () -> backend().stat(name)).kind());
            assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                    () -> backend().putWhole(name, ByteBuffer.allocate(1), ObjectAttributes.none(), absent())).kind());
            assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                    () -> backend().read(name, null, 0, ByteBuffer.allocate(1))).kind());
            assertEquals(Kind.INVALID, assertThrows(ArchiveException.class, () -> backend().delete(name, null)).kind());
        }
        String deepest = String.join("/", Collections.nCopies(ObjectNames.MAX_SEGMENTS, "d"));
        ObjectNames.validate(deepest); // exactly at the limit is fine
    }

    @Test
    void metadataOverEightKibIsRefusedBeforeAnythingIsWritten() throws Exception {
        String name = newName("fat-metadata.bin");
        Map<String, String> fat = new HashMap<>(metadataFor("fat"));
        fat.put("padding", "p".repeat(8 * 1024));
        ObjectAttributes attributes = new ObjectAttributes(null, fat);

        ArchiveException whole = assertThrows(ArchiveException.class,
                () -> backend().putWhole(name, ByteBuffer.allocate(5), attributes, absent()));
        assertEquals(Kind.TOO_LARGE, whole.kind(), whole.getMessage());
        assertEquals(Kind.TOO_LARGE, assertThrows(ArchiveException.class,
                () -> backend().putMarker(name, attributes)).kind());
        ChunkedUpload upload = backend().beginUpload(name, 5, CHUNK);
        upload.stage(0, ByteBuffer.allocate(5));
        assertEquals(Kind.TOO_LARGE, assertThrows(ArchiveException.class, () -> upload.commit(1, attributes, absent())).kind());
        upload.abort();
        assertEquals(Optional.empty(), backend().stat(name));

        Map<String, String> badName = Map.of("not-an-identifier", "x");
        assertEquals(Kind.INVALID, assertThrows(ArchiveException.class,
                () -> backend().putWhole(name, ByteBuffer.allocate(1), new ObjectAttributes(null, badName), absent())).kind());
    }

    // ---------------------------------------------------------------- helpers

    private static void runAll(List<? extends Callable<?>> tasks) throws Exception {
        for (Object outcome : runAllCollecting(tasks)) {
            if (outcome instanceof Exception e) {
                throw e;
            }
        }
    }

    /** Runs tasks on {@link #STAGING_THREADS} threads; each outcome is the task's result or its exception. */
    private static List<Object> runAllCollecting(List<? extends Callable<?>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(STAGING_THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Callable<?> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<?> future : futures) {
                try {
                    outcomes.add(future.get(Duration.ofMinutes(2).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    outcomes.add(e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}

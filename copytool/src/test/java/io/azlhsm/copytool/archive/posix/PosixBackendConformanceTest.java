package io.azlhsm.copytool.archive.posix;

import static io.azlhsm.copytool.archive.WriteCondition.absent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveBackendConformance;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.GeneratedData;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite against a directory tree, plus what only a posix archive can show. */
class PosixBackendConformanceTest extends ArchiveBackendConformance {
    @TempDir
    static Path root;

    @Override
    protected ArchiveBackend createBackend() throws Exception {
        return new PosixBackend(root.resolve("archive"), "prefix/", CHUNK, 4L * CHUNK);
    }

    @Override
    protected long maxParts() {
        return PosixBackend.MAX_PARTS;
    }

    @Test
    void anUnfinishedUploadIsOnlyATemporaryFileThatListingsSkip() throws Exception {
        String name = newName("in-progress.bin");
        GeneratedData data = new GeneratedData(5, 2L * CHUNK);
        ChunkedUpload upload = backend().beginUpload(name, data.size(), CHUNK);
        upload.stage(0, data.range(0, CHUNK));

        Path target = root.resolve("archive").resolve(name);
        assertTrue(Files.notExists(target), "nothing at the final name before commit");
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            List<Path> temporaries = siblings.toList();
            assertEquals(1, temporaries.size());
            assertTrue(TemporaryObject.isTemporaryName(temporaries.get(0).getFileName().toString()));
        }
        assertEquals(List.of(), backend().list(name, null, 10).objects());

        upload.stage(1, data.range(CHUNK, CHUNK));
        upload.commit(2, new ObjectAttributes(data.md5(), metadataFor("posix")), absent());
        try (Stream<Path> siblings = Files.list(target.getParent())) {
            assertEquals(List.of(target), siblings.toList(), "the temporary file became the object");
        }
    }

    @Test
    void aLastSegmentLeavingNoRoomForTheTemporaryNameIsInvalid() throws Exception {
        String name = newName("n".repeat(250)); // NAME_MAX is 255: ".tmp-<16 hex>" does not fit
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.azlhsm.copytool.archive.ArchiveException.class,
                () -> backend().putWhole(name, ByteBuffer.allocate(1), ObjectAttributes.none(), absent()));
        assertEquals(io.azlhsm.copytool.archive.ArchiveException.Kind.INVALID, e.kind(), e.getMessage());
        backend().putWhole(newName("n".repeat(234)), ByteBuffer.allocate(1), ObjectAttributes.none(), absent());
    }

    @Test
    void attributesAreUserXattrsOfTheObjectFile() throws Exception {
        String name = newName("xattrs.bin");
        backend().putWhole(name, ByteBuffer.wrap(new byte[] {1}), new ObjectAttributes(null, metadataFor("x")), absent());
        var view = Files.getFileAttributeView(root.resolve("archive").resolve(name),
                java.nio.file.attribute.UserDefinedFileAttributeView.class);
        assertTrue(view.list().contains("azlhsm.etag"));
        assertTrue(view.list().contains("azlhsm.meta.writer"));
    }
    @Test
    void theFidIndexIsSymlinksOutsideEveryObjectName() throws Exception {
        String name = newName("indexed.bin");
        Map<String, String> metadata = new HashMap<>(metadataFor("x"));
        metadata.put(BlobMetadataCodec.FID, "[0x2000013b0:0x1:0x0]");
        backend().putWhole(name, ByteBuffer.wrap(new byte[] {1}), new ObjectAttributes(null, metadata), absent());
        Path entries = root.resolve("archive").resolve(FidIndex.DIRECTORY).resolve("0x2000013b0:0x1:0x0");
        try (Stream<Path> listed = Files.list(entries)) {
            List<Path> links = listed.toList();
            assertEquals(1, links.size());
            assertTrue(Files.isSymbolicLink(links.get(0)), "an entry holds no data");
            assertEquals(name, Files.readSymbolicLink(links.get(0)).toString());
        }
        ArchiveBackend backend = backend();
        assertEquals(ArchiveException.Kind.INVALID, assertThrows(ArchiveException.class,
                () -> backend.stat(FidIndex.DIRECTORY + "/0x2000013b0:0x1:0x0")).kind());
        assertTrue(backend.list("", null, 5000).objects().stream()
                .noneMatch(o -> o.name().startsWith(FidIndex.DIRECTORY)), "the index is not in listings");
    }

    @Test
    void aReadChecksTheETagOfTheFileAtTheNameItselfNeverALinksTarget() throws Exception {
        ArchiveBackend backend = backend();
        Path archive = root.resolve("archive");
        // a file another tool placed carries no ETag of ours: its ETag is derived from its attributes
        String foreign = newName("foreign.bin");
        Path file = archive.resolve(foreign);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {7, 8, 9});
        String derived = backend.stat(foreign).orElseThrow().etag();
        ByteBuffer read = ByteBuffer.allocate(3);
        backend.read(foreign, derived, 0, read);
        assertEquals(9, read.get(2));
        assertEquals(ArchiveException.Kind.PRECONDITION, assertThrows(ArchiveException.class,
                () -> backend.read(foreign, "\"another\"", 0, ByteBuffer.allocate(1))).kind());
        // a symlink at a name is no object, not even the one it points to
        String ours = newName("ours.bin");
        String etag = backend.putWhole(ours, ByteBuffer.wrap(new byte[] {1}), ObjectAttributes.none(), absent()).etag();
        String linked = newName("linked.bin");
        Files.createDirectories(archive.resolve(linked).getParent());
        Files.createSymbolicLink(archive.resolve(linked), archive.resolve(ours));
        assertEquals(ArchiveException.Kind.NOT_FOUND, assertThrows(ArchiveException.class,
                () -> backend.read(linked, etag, 0, ByteBuffer.allocate(1))).kind());
        assertEquals(ArchiveException.Kind.NOT_FOUND, assertThrows(ArchiveException.class,
                () -> backend.read(newName("absent.bin"), etag, 0, ByteBuffer.allocate(1))).kind());
    }
}

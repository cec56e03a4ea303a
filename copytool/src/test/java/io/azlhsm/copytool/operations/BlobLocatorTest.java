package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.posix.PosixBackend;
import io.azlhsm.copytool.lustre.Errno;
import io.azlhsm.copytool.lustre.LuFid;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A blob found by name alone (file_id, current path) is the file's only if its FID metadata says nothing else. */
class BlobLocatorTest {
    private static final LuFid FILE = new LuFid(0x200000401L, 0x7, 0);
    private static final LuFid OTHER = new LuFid(0x200000401L, 0x8, 0);

    @TempDir
    Path root;
    private PosixBackend backend;
    // no Lustre here: the locator's fid2path (for the path in a refusal) fails and the message names the FID only
    private final BlobLocator locator = new BlobLocator(new ArchiveRecordStore(), null);
    private final LustreFile file = new LustreFile(Path.of("/nonexistent-mount"), FILE);

    @BeforeEach
    void archive() throws Exception {
        backend = new PosixBackend(root, "", 1 << 20, 4 << 20);
    }

    private void put(String name, Map<String, String> metadata) throws Exception {
        backend.putWhole(name, ByteBuffer.wrap(new byte[] {1, 2, 3}), new ObjectAttributes(null, metadata),
                WriteCondition.absent());
    }

    @Test
    void aBlobWithoutFidMetadataOrWithTheFilesOwnIsTakenAfterOneStat() throws Exception {
        put("lemur/0042", Map.of("owner", "0"));
        put("own", Map.of(BlobMetadataCodec.FID, FILE.bracketed()));
        put("own-unbracketed", Map.of("AZLHSM_FID", "0x200000401:0x7:0x0")); // metadata names are case-insensitive

        for (String name : new String[] {"lemur/0042", "own", "own-unbracketed"}) {
            BlobLocator.Located located = locator.checked(file, name, "request data file_id", backend);
            assertEquals(name, located.blob());
            assertEquals(Optional.empty(), located.record());
            assertEquals(3, located.stored().orElseThrow().size(), "the stat is handed on, not repeated");
        }
    }

    @Test
    void anAbsentBlobIsLocatedWithoutProperties() throws Exception {
        BlobLocator.Located located = locator.checked(file, "missing", "current path", backend);
        assertEquals(Optional.empty(), located.stored());
    }

    @Test
    void anotherFilesBlobIsRefusedNamingFileBlobAndBothFids() throws Exception {
        put("victim/secret.dat", Map.of(BlobMetadataCodec.FID, OTHER.bracketed()));
        ActionFailure refused = assertThrows(ActionFailure.class,
                () -> locator.checked(file, "victim/secret.dat", "request data file_id", backend));
        assertEquals(Errno.EPERM, refused.errno());
        assertEquals(false, refused.retryable());
        String message = refused.getMessage();
        for (String part : new String[] {FILE.bracketed(), OTHER.bracketed(), "victim/secret.dat",
                "request data file_id"}) {
            assertTrue(message.contains(part), part + " missing from: " + message);
        }
    }

    @Test
    void fidMetadataThatIsNoFidNamesNoFileOfOurs() throws Exception {
        put("garbled", Map.of(BlobMetadataCodec.FID, "not-a-fid"));
        ActionFailure refused = assertThrows(ActionFailure.class,
                () -> locator.checked(file, "garbled", "current path", backend));
        assertTrue(refused.getMessage().contains("not-a-fid"), refused.getMessage());
    }
}

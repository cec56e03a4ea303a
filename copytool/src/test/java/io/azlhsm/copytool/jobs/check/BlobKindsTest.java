package io.azlhsm.copytool.jobs.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.StoredObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The check sorts blobs as an import would read them, whichever tool wrote them. */
class BlobKindsTest {

    private static StoredObject blob(Map<String, String> metadata) {
        return new StoredObject("a/b", 0, "\"e\"", null, metadata, Instant.EPOCH);
    }

    @Test
    void amlfsAndAzcopySymlinkBlobsAreSymlinks() {
        assertTrue(BlobKinds.isSymlink(blob(Map.of("ftype", "LNK"))), "AMLFS's ftype=LNK");
        assertTrue(BlobKinds.isSymlink(blob(Map.of("symlink", "target"))), "the older symlink= form");
        // azcopy --preserve-symlinks marks the blob is_symlink=true (and as a character device too)
        assertTrue(BlobKinds.isSymlink(blob(Map.of("is_symlink", "true", "is_char_dev", "true"))),
                "azcopy's is_symlink=true");
        assertTrue(BlobKinds.isSymlink(blob(Map.of("Is_Symlink", "TRUE"))), "any case");
        // azcopy's standard POSIX style: the whole st_mode, 0120777 = 41471
        assertTrue(BlobKinds.isSymlink(blob(Map.of("posix_owner", "0", "permissions", "41471"))),
                "azcopy's st_mode of a symlink");
        assertFalse(BlobKinds.isSymlink(blob(Map.of("is_symlink", "false"))), "is_symlink=false");
        assertFalse(BlobKinds.isSymlink(blob(Map.of())), "a plain blob");
    }

    @Test
    void aSocketOrBlockDeviceAzcopyMarkedAsAFolderIsNoDirectoryMarker() {
        assertTrue(BlobKinds.isMarker(blob(Map.of("hdi_isfolder", "true"))), "hdi_isfolder=true");
        assertFalse(BlobKinds.isMarker(blob(Map.of("hdi_isfolder", "true", "is_socket", "true"))),
                "azcopy marks a socket as a folder too");
        assertFalse(BlobKinds.isMarker(blob(Map.of("hdi_isfolder", "true", "is_block_dev", "true"))),
                "azcopy marks a block device as a folder too");
        assertFalse(BlobKinds.isMarker(blob(Map.of("is_symlink", "true", "hdi_isfolder", "true"))),
                "a symlink is no marker");
    }
}

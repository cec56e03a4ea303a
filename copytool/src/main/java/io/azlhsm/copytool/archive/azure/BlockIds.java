package io.azlhsm.copytool.archive.azure;

import io.azlhsm.copytool.archive.RandomTokens;
import io.azlhsm.copytool.archive.UploadKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Block ids of one upload: base64 of "{@code <16 hex digits>-<index, 6 digits>}", the hex digits the first 64 bits
 * of SHA-256 over the file's FID, its data version, the upload's block size, the block's index and the MD5 of the
 * block's bytes.
 *
 * <p>Why deterministic: an archive that starts again after a crash or a retry computes the very ids the earlier
 * attempt staged, finds them in the blob's uncommitted block list and sends only what is missing. Why the block's MD5
 * is in it: the service verified each block's Content-MD5 when it was staged, so a block found under an id is known
 * to hold exactly the bytes read now; a block staged with stale bytes for the same FID and data version (read while
 * the file was being written, which that earlier upload's commit would have refused) has another id and is sent
 * again, never assembled into a wrong blob. Two uploads of one blob by different files, versions or block sizes get
 * different ids and never overwrite each other's blocks; two of the same content stage identical blocks.
 *
 * <p>Why this length: the service requires every block id of a blob to have the same length, uncommitted ones
 * included, so ids keep the 32 characters of the random-token ids earlier versions staged: a blob still holding such
 * blocks from an interrupted upload accepts ours.
 */
final class BlockIds {
    private final String scope; // FID, data version and block size, fixed for the upload

    private BlockIds(String scope) {
        this.scope = scope;
    }

    /** The ids of an upload of the file version {@code key} in blocks of {@code blockSize} bytes. */
    static BlockIds of(UploadKey key, long blockSize) {
        return new BlockIds(key.fid() + "\n" + Long.toUnsignedString(key.dataVersion()) + "\n" + blockSize + "\n");
    }

    /**
     * The ids of an upload nothing is known about (no file version to resume): a random scope, so they are unique to
     * this upload and nothing it finds staged is ever taken for its own.
     */
    static BlockIds unique() {
        return new BlockIds(RandomTokens.next() + "\n");
    }

    /** The id of block {@code index} whose bytes have MD5 {@code md5}. */
    String id(int index, byte[] md5) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha.update((scope + index + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update(md5);
        String digest = HexFormat.of().formatHex(sha.digest(), 0, 8);
        String raw = String.format(Locale.ROOT, "%s-%06d", digest, index);
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }
}

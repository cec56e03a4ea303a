package io.azlhsm.copytool.archive.azure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Block ids of one upload: base64 of "{@code <upload token>-<index, 6 digits>}".
 *
 * <p>Why this shape: the service requires every block id of a blob to have the same length (the token and the
 * zero-padded index are fixed-width, so ids of every upload of ours are 32 characters), and the upload token keeps two
 * uploads of the same blob from overwriting each other's staged blocks.
 */
final class BlockIds {
    private final String uploadToken;

    BlockIds(String uploadToken) {
        this.uploadToken = uploadToken;
    }

    String id(int index) {
        String raw = String.format(Locale.ROOT, "%s-%06d", uploadToken, index);
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** The ids of chunks 0..count-1, in order: the block list to commit. */
    List<String> firstN(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(id(i));
        }
        return ids;
    }
}

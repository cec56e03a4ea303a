package io.azlhsm.copytool.operations;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How other tools named the blobs of files they left on this archive id, for files that carry no archive record of
 * ours: lemur's Azure data mover and the AMLFS hydrator. Both apply to an azure archive only (their blobs live in a
 * container); a posix archive has {@link #NONE}.
 *
 * <p>The AMLFS hydrator ({@code hydrator.py ACCOUNT CONTAINER SAS -a DEST [-p PREFIX] [-d ARCHIVE_ID]}) makes each
 * stub at {@code DEST/<blob name>}: the whole name, {@code -p} only filters the listing (laaso/hydrator.py:327-331,
 * blobcache.py:487-491), with {@code llapi_hsm_import} under archive id 1 by default (hsmimport.py:31, 65-78). In its
 * default mode it records nothing else on the stub: the blob name is the stub's path relative to {@code DEST}, and only
 * the administrator knows {@code DEST} ({@code archive.<id>.hydrator_roots} lists those directories). Its
 * {@code --lemur} mode also writes {@link LemurFileId}'s attribute, which names the blob wherever the stub is.
 *
 * @param container      the archive's container (the only one its backend reads); empty for a posix archive
 * @param hydratorRoots  directories, relative to the mount ("" for the mount itself), where the hydrator was pointed
 *                       ({@code -a}) in its default mode: a file below one is named by its path relative to the
 *                       deepest
 */
public record ForeignNaming(Optional<String> container, List<String> hydratorRoots) {
    public static final ForeignNaming NONE = new ForeignNaming(Optional.empty(), List.of());

    public ForeignNaming {
        hydratorRoots = hydratorRoots.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Whether the lemur and hydrator conventions apply here at all (an azure archive). */
    boolean applies() {
        return container.isPresent();
    }

    /** A hydrator import root that holds this mount-relative path, and the blob name it gives the path. */
    record HydratorName(String root, String blob) {
        /** For messages: "hydrator import root R" ("the mount root" for ""). */
        String describe() {
            return "path below hydrator import root " + (root.isEmpty() ? "(the mount root)" : root);
        }
    }

    /** The deepest configured hydrator root holding {@code relativePath} (a file, never the root itself). */
    Optional<HydratorName> hydratorName(String relativePath) {
        for (String root : hydratorRoots) {
            if (root.isEmpty()) {
                return Optional.of(new HydratorName(root, relativePath));
            }
            if (relativePath.startsWith(root + "/") && relativePath.length() > root.length() + 1) {
                return Optional.of(new HydratorName(root, relativePath.substring(root.length() + 1)));
            }
        }
        return Optional.empty();
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.ownership.LiveFiles;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The files of one mount, opened by FID ({@code <mnt>/.lustre/fid/<FID>}): a file that was unlinked has no such path
 * any more. The FID comes from blob metadata, which {@link io.azlhsm.copytool.ownership.NameOwnership} checked to be a
 * bracketed FID, so it cannot name another path.
 */
public final class LiveFidFiles implements LiveFiles {
    private final Path fidDirectory;

    public LiveFidFiles(Path mount) {
        this.fidDirectory = mount.resolve(".lustre").resolve("fid");
    }

    @Override
    public boolean exists(String fid) {
        return Files.exists(fidDirectory.resolve(fid), LinkOption.NOFOLLOW_LINKS);
    }
}

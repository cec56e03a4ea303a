package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.ownership.LiveFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

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

    /**
     * Only "no such file" means gone: any other failure (EIO, ESTALE, a timeout) is thrown, so the judge keeps the
     * copy. Files.exists would answer false for those too and let a live file's copy be overwritten.
     */
    @Override
    public boolean exists(String fid) throws IOException {
        try {
            Files.readAttributes(fidDirectory.resolve(fid), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }
}

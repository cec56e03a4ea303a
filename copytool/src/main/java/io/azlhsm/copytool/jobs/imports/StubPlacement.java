package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.ImportAttributes;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Creates a stub with llapi_hsm_import and proves it is at the path asked for, never anywhere else.
 *
 * <p>llapi_hsm_import opens its path with {@code O_CREAT|O_WRONLY}, without {@code O_EXCL} or {@code O_NOFOLLOW}
 * (lustre/utils/liblustreapi_hsm.c:1434-1497, liblustreapi.c:473-597), and uses the path for nothing else but the
 * {@code unlink} after a failed import (with no pool given it never looks the file system up by the path): a
 * symlink at the path, or one put in place of a directory on the way, would be followed and the stub created
 * wherever it leads (a dangling symlink's target). So the call is given the {@link Place#reach()} path,
 * {@code /proc/self/fd/<parent's descriptor>/<name>}: the kernel goes from {@code /proc/self/fd/<fd>} straight to
 * the directory that descriptor holds (a magic link, never resolved by name again), so no directory on the way can be
 * swapped for a symlink; only the last name is looked up. The importer looks at that name first (lstat) and never
 * hands the call a symlink.
 *
 * <p>This class checks afterwards that the new file's name is the path asked for: {@code llapi_fid2path} of the FID
 * the call returned must give exactly the path's name under the mount. When it does not (a symlink was put at the
 * last name in the instant between the look and the call, or the directory was moved out of the target), the stray
 * stub is removed again, if it still is the one just made, and the blob fails with an error naming both places.
 *
 * <p>Residual race: only the last name, in that instant. A symlink put there then still makes Lustre create the stub
 * at its target until it is found and removed here; a target on Lustre is checked and cleaned, but a target off
 * Lustre gets an empty file that the call cannot turn into a stub (it fails, and the empty file stays, as with any
 * llapi_hsm_import). Only someone who can write in the import target's directories can put a symlink there.
 */
final class StubPlacement {
    private final HsmFiles hsm;
    private final LustreFids fids;
    private final Path mount;

    StubPlacement(HsmFiles hsm, LustreFids fids, Path mount) {
        this.hsm = hsm;
        this.fids = fids;
        this.mount = mount;
    }

    /** The stub's FID; LustreException from the import itself, ItemError when it was made elsewhere. */
    LuFid create(Place place, int archiveId, ImportAttributes attributes) throws LustreException, ItemError {
        LuFid fid = hsm.importFile(place.reach(), archiveId, attributes);
        String wanted = mount.relativize(place.path()).toString();
        String made;
        try {
            made = fids.fid2path(mount, fid, 0).relativePath().replaceFirst("^/+", "");
        } catch (LustreException e) {
            // Its place cannot be shown: the stub stays where the call made it, and the blob fails (a re-run sees it).
            throw new ItemError("cannot check where llapi_hsm_import created the stub " + fid + " for " + wanted
                    + ": " + e.getMessage(), e);
        }
        if (made.equals(wanted)) {
            return fid;
        }
        throw new ItemError("a symlink was put in the way while importing: llapi_hsm_import followed it and created"
                + " the stub " + fid + " at " + made + " instead of " + wanted + "; " + removeStray(mount.resolve(made),
                fid));
    }

    private String removeStray(Path stray, LuFid fid) {
        try {
            if (Files.isRegularFile(stray, LinkOption.NOFOLLOW_LINKS) && fid.equals(fids.path2fid(stray))) {
                Files.delete(stray);
                return "removed it there";
            }
            return "it is no longer there";
        } catch (IOException e) { // a LustreException too
            return "could not remove it there: " + e.getMessage();
        }
    }
}

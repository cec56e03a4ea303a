package io.azlhsm.copytool.jobs.requests;

import io.azlhsm.copytool.lustre.LuFid;
import java.nio.file.Path;

/**
 * A file a job asks the coordinator to act on.
 *
 * @param path absolute path on the client mount (state is polled through it)
 * @param fid  its FID (what the request carries)
 * @param size its size in bytes when it was chosen, for byte counts
 */
public record RequestedFile(Path path, LuFid fid, long size) {
}

package io.azlhsm.copytool.ownership;

import java.io.IOException;

/** Whether the file a blob was written for still exists: a copy of a live file may still be its only one. */
@FunctionalInterface
public interface LiveFiles {

    /**
     * @param fid a FID, bracketed as blob metadata holds it (checked to be one before this is asked)
     * @throws IOException when that cannot be told (the judge then assumes the file lives)
     */
    boolean exists(String fid) throws IOException;
}

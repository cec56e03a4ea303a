package io.azlhsm.copytool.archive;

/**
 * What makes two chunked uploads of one object the same upload, so that the later one may reuse the chunks the
 * earlier one staged and never committed (an agent killed mid-archive, an action retried): the file's FID and its
 * Lustre data version.
 *
 * <p>Why the pair names the content: Lustre's data version is the sum of the file's OST objects' versions, and an OST
 * object's version is the transaction number of its last modification (every write, truncate or punch moves it), so
 * as long as a file's data does not change its data version does not either, and once it changes it never comes back
 * to a value the file had before on the same objects (lustre/lov/lov_io.c:1385-1398 lov_io_data_version_end adds up
 * the stripes' versions; lustre/ofd/ofd_dev.c:1316-1320 answers an object's dt_version, which
 * lustre/target/tgt_lastrcvd.c:1531 sets to the number of the transaction that modified it). The archive
 * additionally binds each reused chunk to the MD5 of the bytes read now (see the Azure block ids), because a chunk
 * staged by an upload that read while the file was being written holds bytes of a later version under the earlier
 * data version's name, and because a layout swap (a restore) gives the file new objects whose versions start afresh.
 *
 * @param fid         the file's FID, bracketed
 * @param dataVersion the data version read when the archive began (unsigned)
 */
public record UploadKey(String fid, long dataVersion) {
    public UploadKey {
        if (fid == null || fid.isEmpty()) {
            throw new IllegalArgumentException("an upload key needs the file's FID");
        }
    }
}

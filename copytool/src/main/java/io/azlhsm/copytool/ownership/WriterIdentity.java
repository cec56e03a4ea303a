package io.azlhsm.copytool.ownership;

/**
 * The file a writer writes for, as its blob will describe it.
 *
 * @param fid         the file's FID, bracketed as the blob's {@code azlhsm_fid} metadata holds it
 * @param dataVersion the data version the copy is of; null when it has none (a symlink)
 * @param size        the copy's size in bytes
 * @param contentMd5  the copy's MD5 when the archive keeps Content-MD5, else null
 * @param crc32c      the copy's CRC32C when the archive keeps that, else null
 */
public record WriterIdentity(String fid, Long dataVersion, long size, byte[] contentMd5, byte[] crc32c) {
    @Override
    public String toString() {
        return "file " + fid + (dataVersion == null ? "" : " at data version " + Long.toUnsignedString(dataVersion));
    }
}

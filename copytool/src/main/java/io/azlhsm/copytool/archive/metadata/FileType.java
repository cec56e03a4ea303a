package io.azlhsm.copytool.archive.metadata;

/** What a blob stands for in the file system. */
public enum FileType {
    /** A regular file: the blob's body is its content. */
    FILE,
    /** A directory: a zero-length blob with {@code hdi_isfolder=true}. */
    DIRECTORY,
    /** A symbolic link: {@code ftype=LNK}, the body (or the older {@code symlink} metadata) is the target. */
    SYMLINK
}

package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.namespace.Xattrs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** The errno a FUSE operation answers for an I/O error of the backing store (EIO for anything unnamed). */
final class IoErrno {
    private IoErrno() {
    }

    static int of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return Errno.EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return Errno.ENOTEMPTY;
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        if (e instanceof Xattrs.XattrException x) {
            return x.errno();
        }
        return Errno.EIO;
    }
}

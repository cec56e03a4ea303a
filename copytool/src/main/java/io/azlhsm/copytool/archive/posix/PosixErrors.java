package io.azlhsm.copytool.archive.posix;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns local file-system failures into archive failure kinds. */
final class PosixErrors {
    private PosixErrors() {
    }

    static ArchiveException map(String objectName, String doing, IOException e) {
        String cause = doing + ": " + describe(e);
        if (e instanceof NoSuchFileException) {
            return ArchiveException.of(Kind.NOT_FOUND, objectName, cause, e);
        }
        if (reasonContains(e, "File name too long")) {
            // The last segment plus ".tmp-<token>" (21 characters) must fit the file system's NAME_MAX.
            return ArchiveException.of(Kind.INVALID, objectName, cause + " (posix archives need the last path "
                    + "segment to leave 21 characters of NAME_MAX for the temporary name)", e);
        }
        if (e instanceof AccessDeniedException) {
            return ArchiveException.of(Kind.PERMISSION, objectName, cause, e);
        }
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException
                || e instanceof DirectoryNotEmptyException || isTypeConflict(e)) {
            // A posix tree cannot hold both "a/b" as an object and "a/b/c": the names conflict.
            return ArchiveException.of(Kind.PRECONDITION, objectName,
                    cause + " (an object and a directory cannot share a name in a posix archive)", e);
        }
        return ArchiveException.of(Kind.TRANSIENT, objectName, cause, e);
    }

    /** EISDIR / ENOTDIR surface as plain FileSystemExceptions from rename and open. */
    private static boolean isTypeConflict(IOException e) {
        return reasonContains(e, "Is a directory") || reasonContains(e, "Not a directory");
    }

    private static boolean reasonContains(IOException e, String text) {
        String reason = e instanceof java.nio.file.FileSystemException fse ? fse.getReason() : e.getMessage();
        return reason != null && reason.contains(text);
    }

    private static String describe(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException fse ? fse.getReason() : e.getMessage();
        return e.getClass().getSimpleName() + (reason == null ? "" : " (" + reason + ")");
    }
}

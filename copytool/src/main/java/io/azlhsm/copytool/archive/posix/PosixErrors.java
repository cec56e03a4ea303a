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
        String reason = e instanceof java.nio.file.FileSystemException fse ? fse.getReason() : null;
        return reason != null && (reason.contains("Is a directory") || reason.contains("Not a directory"));
    }

    private static String describe(IOException e) {
        String reason = e instanceof java.nio.file.FileSystemException fse ? fse.getReason() : e.getMessage();
        return e.getClass().getSimpleName() + (reason == null ? "" : " (" + reason + ")");
    }
}

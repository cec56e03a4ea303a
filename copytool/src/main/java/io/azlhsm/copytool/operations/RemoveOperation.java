package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.lustre.CopyAction;
import java.nio.file.Files;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * REMOVE: delete the blob this file archived and forget it. A blob that is already gone is success.
 *
 * <p>When the file's archive record is known the delete is conditional on the recorded ETag, so a blob that now
 * belongs to another file (same path, archived after a rename) is never deleted by mistake. A blob found without a
 * record is deleted only if its FID metadata is absent or the file's own (see {@link BlobLocator}), and only in the
 * version that was checked.
 */
public final class RemoveOperation {
    private static final Logger LOG = Logger.getLogger(RemoveOperation.class.getName());

    private RemoveOperation() {
    }

    static void run(ActionContext context, CopyAction action, int archiveId) {
        LustreFile file = new LustreFile(context.mount(), action.item().fid());
        long start = System.nanoTime();
        String blob = "(unknown)";
        try {
            ArchiveBackend backend = context.backend(archiveId);
            BlobLocator.Located located = locate(context, file, action, archiveId, backend);
            blob = located.blob();
            boolean existed = delete(backend, located);
            if (Files.exists(file.fidPath())) {
                context.records().clear(file.fidPath());
            }
            String deletedBlob = blob;
            LOG.fine(() -> "REMOVE " + file + " blob " + deletedBlob + (existed ? ": deleted" : ": was already gone"));
            context.metrics().actionEnded("remove", System.nanoTime() - start, 0, 0);
            action.end(0, 0, 0, 0);
        } catch (Exception e) {
            ActionOutcome outcome = ActionOutcome.of(e);
            context.metrics().actionEnded("remove", System.nanoTime() - start, 0, outcome.errno());
            LOG.log(Level.WARNING, "REMOVE " + file + " blob " + blob + " cookie 0x"
                    + Long.toHexString(action.item().cookie()) + " failed with errno " + outcome.errno() + ": "
                    + ActionTransfer.causeText(e));
            try {
                action.end(0, 0, outcome.flags(), outcome.errno());
            } catch (Exception endFailure) {
                LOG.log(Level.WARNING, "REMOVE " + file + ": llapi_hsm_action_end failed: " + endFailure.getMessage());
            }
        }
    }

    private static BlobLocator.Located locate(ActionContext context, LustreFile file, CopyAction action,
                                              int archiveId, ArchiveBackend backend) throws Exception {
        if (!Files.exists(file.fidPath())) {
            // The file was unlinked (remove_archive_on_last_unlink): only the request's data can name the blob.
            String fileId = BlobLocator.fileIdOf(action.item().dataAsText()).orElseThrow(() -> new ActionFailure(2,
                    false, "file no longer exists and the request names no file_id: blob unknown"));
            return locator(context).checked(file, fileId, "request data file_id", backend);
        }
        return locator(context).locate(file, action.item(), archiveId, backend);
    }

    /**
     * Deletes the located blob in the version the record names, or, found without one, in the version whose FID the
     * locator checked: never a blob replaced since. False when it was already gone.
     */
    private static boolean delete(ArchiveBackend backend, BlobLocator.Located located) throws Exception {
        if (located.record().isPresent()) {
            return backend.delete(located.blob(), located.record().get().etag());
        }
        if (located.stored().isEmpty()) {
            return false; // the locator's stat found no such blob
        }
        return backend.delete(located.blob(), located.stored().get().etag());
    }

    private static BlobLocator locator(ActionContext context) {
        return new BlobLocator(context.records(), context.fids());
    }
}

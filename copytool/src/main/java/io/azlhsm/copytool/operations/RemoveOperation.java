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
 * belongs to another file (same path, archived after a rename) is never deleted by mistake.
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
            String expectedEtag = located.record().map(ArchiveRecord::etag).orElse(null);
            boolean existed = backend.delete(blob, expectedEtag);
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
            return new BlobLocator.Located(fileId, java.util.Optional.empty(), "request data file_id");
        }
        return new BlobLocator(context.records(), context.fids()).locate(file, action.item(), archiveId, backend);
    }
}

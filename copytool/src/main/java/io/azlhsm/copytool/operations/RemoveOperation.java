package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.lustre.CopyAction;
import io.azlhsm.copytool.lustre.CopytoolRegistration;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * REMOVE: delete the blob this file archived and forget it. A blob that is already gone is success.
 *
 * <p>Only a blob written for this very file (its {@code azlhsm_fid} metadata is the file's FID) is deleted, and only
 * on the ETag just examined: a blob at the name that now belongs to another file (same path, archived after a
 * rename), a blob another tool wrote (an imported file's data, which other stubs may record too), and a blob
 * carrying a preserved version another file still reads are left in place, and the REMOVE still succeeds for this
 * file (its record is cleared). What is left is found by the archive checker. A file already gone (REMOVE on last
 * unlink) is found through the archive's FID index ({@link ArchiveBackend#findByFid}).
 */
public final class RemoveOperation {
    private static final Logger LOG = Logger.getLogger(RemoveOperation.class.getName());

    private RemoveOperation() {
    }

    static void run(ActionContext context, CopyAction action, int archiveId, PatientAction patient) {
        LustreFile file = new LustreFile(context.mount(), action.item().fid());
        long start = System.nanoTime();
        String[] blob = {"(unknown)"};
        try {
            ArchiveBackend backend = context.backend(archiveId);
            // located and deleted again after a transient failure: a delete whose answer was lost finds nothing
            String outcome = context.patience().call(patient, "removing the archived copy", () -> {
                if (!Files.exists(file.fidPath()) && BlobLocator.fileIdOf(action.item().dataAsText()).isEmpty()) {
                    // Unlinked (remove_archive_on_last_unlink): Lustre's REMOVE carries no data (mdt_lib.c:1097-1103)
                    // and the file and its record are gone; the archive's FID index names what was written for it.
                    List<String> found = backend.findByFid(file.fid().bracketed());
                    blob[0] = found.isEmpty() ? "(none indexed)" : String.join(", ", found);
                    return removeIndexed(backend, found, file);
                }
                BlobLocator.Located located = locate(context, file, action, archiveId, backend);
                blob[0] = located.blob();
                return deleteIfOurs(backend, located.blob(), file);
            });
            if (Files.exists(file.fidPath())) {
                context.records().clear(file.fidPath());
            }
            String removedBlob = blob[0];
            LOG.fine(() -> "REMOVE " + file + " blob " + removedBlob + ": " + outcome);
            context.metrics().actionEnded("remove", System.nanoTime() - start, 0, 0);
            end(action, file, blob[0], ActionOutcome.SUCCESS);
        } catch (Exception e) {
            ActionOutcome outcome = ActionOutcome.of(e);
            context.metrics().actionEnded("remove", System.nanoTime() - start, 0, outcome.errno());
            LOG.log(Level.WARNING, "REMOVE " + file + " blob " + blob[0] + " cookie 0x"
                    + Long.toHexString(action.item().cookie()) + " failed with errno " + outcome.errno() + ": "
                    + ActionTransfer.causeText(e));
            end(action, file, blob[0], outcome);
        }
    }

    /** Ends the action once; never on a registration the agent has already given up (a REMOVE is not abandoned). */
    private static void end(CopyAction action, LustreFile file, String blob, ActionOutcome outcome) {
        try {
            action.end(0, 0, outcome.flags(), outcome.errno());
        } catch (CopytoolRegistration.UnregisteredException e) {
            LOG.log(Level.WARNING, "REMOVE " + file + " blob " + blob + " cookie 0x"
                    + Long.toHexString(action.item().cookie()) + ": abandoned, ended after the agent had unregistered"
                    + " (outcome errno " + outcome.errno() + ", not reported; the coordinator ends the request at its"
                    + " active_request_timeout)");
        } catch (Exception endFailure) {
            LOG.log(Level.WARNING, "REMOVE " + file + ": llapi_hsm_action_end failed: " + endFailure.getMessage());
        }
    }

    /**
     * The file is gone and the request names no blob: deletes every object the FID index names for it, each only if
     * its metadata still says it was written for this file (on the ETag examined). Preserved versions of its copies
     * (snapshots, version links) are not in the index and stay for the archive checker, as a delete never takes them.
     * Nothing indexed is success: a copy written before objects carried the index (untagged) cannot be found, and
     * is said to be left.
     */
    private static String removeIndexed(ArchiveBackend backend, List<String> found, LustreFile file)
            throws ArchiveException {
        if (found.isEmpty()) {
            // Its copies were all taken over by other files (their preserved versions stay), or were written
            // before objects carried the index: either way nothing here can be told to be this file's.
            LOG.info("REMOVE " + file + ": the file is gone and no object of " + backend.describe()
                    + " is indexed under its FID now: nothing deleted (a copy another file took over, or one written"
                    + " without the " + BlobMetadataCodec.FID + " index, is left for the archive checker)");
            return "nothing indexed";
        }
        List<String> outcomes = new ArrayList<>(found.size());
        for (String name : found) {
            outcomes.add(name + " " + deleteIfOurs(backend, name, file));
        }
        return String.join("; ", outcomes);
    }

    /** Deletes the blob if it was written for this file; says what was done. */
    private static String deleteIfOurs(ArchiveBackend backend, String blob, LustreFile file) throws ArchiveException {
        Optional<StoredObject> found = backend.stat(blob);
        if (found.isEmpty()) {
            return "was already gone";
        }
        String owner = found.get().metadata().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(BlobMetadataCodec.FID)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        if (!file.fid().bracketed().equals(owner)) {
            LOG.info("REMOVE " + file + " blob " + blob + ": left in place, "
                    + (owner == null ? "another tool wrote it" : "it was written for file " + owner));
            return "left in place";
        }
        try {
            return backend.delete(blob, found.get().etag()) ? "deleted" : "was already gone";
        } catch (ArchiveException e) {
            if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                throw e;
            }
            LOG.info("REMOVE " + file + " blob " + blob + ": left in place: " + e.getMessage());
            return "left in place";
        }
    }

    private static BlobLocator.Located locate(ActionContext context, LustreFile file, CopyAction action,
                                              int archiveId, ArchiveBackend backend) throws Exception {
        if (!Files.exists(file.fidPath())) {
            // Unlinked, and an lfs hsm_remove --data names the blob: it is checked like any named blob.
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
    private static BlobLocator locator(ActionContext context) {
        return new BlobLocator(context.records(), context.fids(), context::foreignNaming);
    }
}

package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.ExtendedAttributeException;
import io.azlhsm.copytool.lustre.FileLayout;
import io.azlhsm.copytool.lustre.LayoutAttribute;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Gives a restore's volatile file the layout its file had when it was archived, before any data is written to it.
 *
 * <p>The volatile file was opened with O_LOV_DELAY_CREATE, so it has no layout yet and a write would fail (EBADF,
 * lov_io.c lov_io_init_empty). lhsmtool_posix.c ct_restore fails the restore when the saved layout cannot be set; here
 * a layout the file system no longer accepts (an OST index or stripe size it refuses, a layout from a newer Lustre)
 * must not keep a file's data from coming back: the file gets the file system's default layout instead, with a
 * warning naming it. Only when even that is refused does the restore fail.
 */
final class RestoredLayout {
    private static final Logger LOG = Logger.getLogger(RestoredLayout.class.getName());

    private RestoredLayout() {
    }

    /**
     * @param fd       the volatile file (llapi_hsm_action_get_fd)
     * @param saved    the layout from the file's archive record
     * @param fileName the file, for messages: "[FID] path" (looked up only when a message needs it)
     * @throws ActionFailure with the MDT's errno when the volatile file cannot be given any layout
     */
    static void apply(int fd, FileLayout saved, Supplier<String> fileName) throws ActionFailure {
        try {
            LayoutAttribute.set(fd, saved, () -> "the volatile file of " + fileName.get());
            return;
        } catch (ExtendedAttributeException e) {
            LOG.warning("RESTORE " + fileName.get() + ": the layout saved when it was archived (" + saved + ") cannot"
                    + " be applied: " + e.getMessage() + "; the file gets the file system's default layout");
        }
        try {
            LayoutAttribute.set(fd, FileLayout.fileSystemDefault(), () -> "the volatile file of " + fileName.get());
        } catch (ExtendedAttributeException e) {
            throw new ActionFailure(e.errno(), false, "neither the layout saved at archive (" + saved + ") nor the"
                    + " file system's default layout can be given to the restored file: " + e.getMessage(), e);
        }
    }
}

package io.azlhsm.copytool.lustre;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Objects;
import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;

/**
 * One action being carried out ({@code struct hsm_copyaction_private}): begun with {@code llapi_hsm_action_begin},
 * reported with {@code _progress}, finished with {@code _end}.
 *
 * <p>{@code llapi_hsm_action_end} frees the native handle whatever it returns, so {@link #end} runs the native
 * call at most once; later calls return {@code false} without touching freed memory. Methods are synchronized so a
 * progress report racing a cancel-driven end cannot use a freed handle. Every call also runs
 * {@linkplain CopytoolRegistration#whileRegistered while the copytool is registered}: unregistering frees what the
 * library's progress and end use, so after it they throw {@link CopytoolRegistration.UnregisteredException} instead.
 */
public final class CopyAction {
    private final LustreLibrary library;
    private final CopytoolRegistration registration;
    private final HsmActionItem item;
    private final PointerByReference handle;
    private final String subject;
    private boolean ended;

    private CopyAction(LustreLibrary library, CopytoolRegistration registration, HsmActionItem item,
                       PointerByReference handle) {
        this.library = library;
        this.registration = registration;
        this.item = item;
        this.handle = handle;
        this.subject = item.action() + " " + item.fid().bracketed() + " cookie=0x" + Long.toHexString(item.cookie());
    }

    /**
     * Begins an action. For RESTORE the library creates the volatile file the data goes to; for ARCHIVE it opens
     * the source and records its data version.
     *
     * @param restoreMdtIndex MDT for the volatile file of a restore, -1 for the library's default
     * @param openFlags       extra open flags for the volatile file (e.g. O_LOV_DELAY_CREATE), usually 0
     * @param isError         begin only to report an error through {@link #end}: no file is opened. When a
     *                        normal begin fails, the coordinator still waits for an end: begin again with
     *                        isError=true and end with the errno (what lhsmtool_posix does)
     */
    public static CopyAction begin(CopytoolRegistration registration, HsmActionItem item, int restoreMdtIndex,
                                   int openFlags, boolean isError) throws LustreException {
        Objects.requireNonNull(item, "item");
        LustreLibrary library = registration.library();
        PointerByReference handle = new PointerByReference();
        Pointer hai = library.copyToNative(item.raw());
        CopyAction action = new CopyAction(library, registration, item, handle);
        int rc = registration.whileRegistered("llapi_hsm_action_begin", copytool -> library.api()
                .llapi_hsm_action_begin(handle, copytool, hai, restoreMdtIndex, openFlags, isError));
        // The copy is freed when its Pointer is collected, which may happen during the call once jnr-ffi has taken
        // its address (it did: SIGSEGV in action_begin with 64 actions in flight); keep it alive until the call returns.
        Reference.reachabilityFence(hai);
        LustreException.check(rc, "llapi_hsm_action_begin", action.subject);
        return action;
    }

    public HsmActionItem item() {
        return item;
    }

    /**
     * A new descriptor for the data: a dup of the source (ARCHIVE) or of the volatile file (RESTORE). The caller
     * owns it and must close it; the library keeps its own descriptor open until {@link #end}.
     */
    public synchronized int fd() throws LustreException {
        int rc = registration.whileRegistered("llapi_hsm_action_get_fd",
                copytool -> library.api().llapi_hsm_action_get_fd(live()));
        return LustreException.check(rc, "llapi_hsm_action_get_fd", subject);
    }

    /** The FID data is written to: the volatile file for RESTORE, the file itself otherwise. */
    public synchronized LuFid dataFid() throws LustreException {
        Pointer fid = library.allocate(LuFid.SIZE);
        int rc = registration.whileRegistered("llapi_hsm_action_get_dfid",
                copytool -> library.api().llapi_hsm_action_get_dfid(live(), fid));
        LustreException.check(rc, "llapi_hsm_action_get_dfid", subject);
        return LuFid.read(ByteBuffer.wrap(LustreLibrary.copyFromNative(fid, LuFid.SIZE)), 0);
    }

    /**
     * Reports bytes moved; resets the coordinator's timeout for this action.
     *
     * @param total the file's total size, or 0 when unknown
     * @param flags {@link HsmProgressFlags}
     * @throws LustreException ECANCELED when the action was cancelled, ENOENT when it timed out
     */
    public synchronized void progress(long offset, long length, long total, int flags) throws LustreException {
        Pointer extent = library.copyToNative(new HsmExtent(offset, length).toBytes());
        int rc = registration.whileRegistered("llapi_hsm_action_progress " + subject,
                copytool -> library.api().llapi_hsm_action_progress(live(), extent, total, flags));
        Reference.reachabilityFence(extent);
        LustreException.check(rc, "llapi_hsm_action_progress", subject);
    }

    /**
     * Ends the action. {@code errval} is a positive errno (0 for success; ECANCELED only after a cancel was
     * received).
     *
     * @return true if this call ended the action, false if it had already been ended (nothing was done)
     * @throws LustreException if the library reports a failure; the action is ended all the same
     * @throws CopytoolRegistration.UnregisteredException when the copytool was unregistered first: nothing was
     *         called, the action is abandoned (the coordinator ends it at its active_request_timeout)
     */
    public synchronized boolean end(long offset, long length, int flags, int errval) throws LustreException {
        if (ended) {
            return false;
        }
        ended = true;
        Pointer extent = library.copyToNative(new HsmExtent(offset, length).toBytes());
        int rc = registration.whileRegistered("llapi_hsm_action_end " + subject,
                copytool -> library.api().llapi_hsm_action_end(handle, extent, flags, errval));
        Reference.reachabilityFence(extent);
        LustreException.check(rc, "llapi_hsm_action_end", subject + " errval=" + (errval == 0 ? "0" : Errno.name(errval)));
        return true;
    }

    public synchronized boolean isEnded() {
        return ended;
    }

    private Pointer live() {
        if (ended) {
            throw new IllegalStateException("copy action already ended: " + subject);
        }
        return handle.getValue();
    }

    @Override
    public String toString() {
        return "CopyAction[" + subject + "]";
    }
}

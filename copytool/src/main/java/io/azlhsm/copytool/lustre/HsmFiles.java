package io.azlhsm.copytool.lustre;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * The user-side HSM calls on files: state get/set, current action, requests to the coordinator, and import of
 * released stubs. What {@code lfs hsm_state / hsm_set / hsm_action / hsm_archive ... / hsm_import} do.
 */
public final class HsmFiles {
    private final LustreLibrary library;

    public HsmFiles(LustreLibrary library) {
        this.library = library;
    }

    public HsmUserState state(Path path) throws LustreException {
        Pointer hus = library.allocate(HsmUserState.SIZE);
        LustreException.check(library.api().llapi_hsm_state_get(path.toString(), hus), "llapi_hsm_state_get",
                path.toString());
        return HsmUserState.decode(ByteBuffer.wrap(LustreLibrary.copyFromNative(hus, HsmUserState.SIZE)));
    }

    public HsmUserState state(int fd) throws LustreException {
        Pointer hus = library.allocate(HsmUserState.SIZE);
        LustreException.check(library.api().llapi_hsm_state_get_fd(fd, hus), "llapi_hsm_state_get_fd",
                "fd " + fd);
        return HsmUserState.decode(ByteBuffer.wrap(LustreLibrary.copyFromNative(hus, HsmUserState.SIZE)));
    }

    /**
     * Sets and clears {@link HsmStates} bits; {@code archiveId} 0 leaves the file's archive id unchanged.
     */
    public void setState(Path path, long setMask, long clearMask, int archiveId) throws LustreException {
        LustreException.check(library.api().llapi_hsm_state_set(path.toString(), setMask, clearMask, archiveId),
                "llapi_hsm_state_set", path + " set=0x" + Long.toHexString(setMask)
                        + " clear=0x" + Long.toHexString(clearMask) + " archive_id=" + archiveId);
    }

    public void setState(int fd, long setMask, long clearMask, int archiveId) throws LustreException {
        LustreException.check(library.api().llapi_hsm_state_set_fd(fd, setMask, clearMask, archiveId),
                "llapi_hsm_state_set_fd", "fd " + fd + " set=0x" + Long.toHexString(setMask)
                        + " clear=0x" + Long.toHexString(clearMask) + " archive_id=" + archiveId);
    }

    public HsmCurrentAction currentAction(Path path) throws LustreException {
        Pointer hca = library.allocate(HsmCurrentAction.SIZE);
        LustreException.check(library.api().llapi_hsm_current_action(path.toString(), hca),
                "llapi_hsm_current_action", path.toString());
        return HsmCurrentAction.decode(ByteBuffer.wrap(LustreLibrary.copyFromNative(hca, HsmCurrentAction.SIZE)));
    }

    /**
     * Asks the coordinator to act on whole files.
     *
     * @param path      any path on the file system (it selects the file system; the FIDs select the files)
     * @param archiveId 0 for the file's archive, else the coordinator's default
     * @param flags     {@link HsmRequestFlags}
     * @param data      passed to the copytool as hai_data (e.g. {@code file_id=...}); may be empty
     */
    public void request(Path path, HsmUserAction action, int archiveId, long flags, List<LuFid> fids, byte[] data)
            throws LustreException {
        request(path, new HsmUserRequest(action, archiveId, flags,
                fids.stream().map(HsmUserItem::wholeFile).toList(), data));
    }

    public void request(Path path, HsmUserRequest request) throws LustreException {
        Pointer hur = library.copyToNative(request.encode());
        int rc = library.api().llapi_hsm_request(path.toString(), hur);
        Reference.reachabilityFence(hur); // freed when collected, possibly during the call otherwise
        LustreException.check(rc, "llapi_hsm_request",
                path + " " + request.action() + " items=" + request.items().size());
    }

    /**
     * Creates a released file at {@code path} whose data lives in archive {@code archiveId}, with default striping;
     * returns its FID.
     */
    public LuFid importFile(Path path, int archiveId, ImportAttributes attributes) throws LustreException {
        Pointer stat = library.copyToNative(attributes.encodeStat());
        Pointer fid = library.allocate(LuFid.SIZE);
        // stripe size 0, offset -1, count 0, pattern 0, no pool: the file system's defaults, as lhsmtool_posix does.
        int rc = library.api().llapi_hsm_import(path.toString(), archiveId, stat, 0, -1, 0, 0, null, fid);
        Reference.reachabilityFence(stat); // freed when collected, possibly during the call otherwise
        LustreException.check(rc, "llapi_hsm_import", path + " archive_id=" + archiveId);
        return LuFid.read(ByteBuffer.wrap(LustreLibrary.copyFromNative(fid, LuFid.SIZE)), 0);
    }

    /** Convenience form of {@link #importFile(Path, int, ImportAttributes)} with whole-second times. */
    public LuFid importFile(Path path, int archiveId, long size, int mode, int uid, int gid, long atimeSec,
                            long mtimeSec) throws LustreException {
        return importFile(path, archiveId, new ImportAttributes(size, mode, uid, gid, atimeSec, 0, mtimeSec, 0));
    }
}

package io.azlhsm.copytool.lustre;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.u_int32_t;
import jnr.ffi.types.u_int64_t;

/**
 * The liblustreapi entry points the copytool uses, with the signatures of lustre/include/lustre/lustreapi.h (C
 * prototype above each). All return 0 or a positive count on success and {@code -errno} on failure.
 *
 * <p>Structures go across as {@link Pointer}s to native memory that the typed classes of this package fill and
 * decode ({@link HsmActionList}, {@link HsmUserRequest}, ...). Application code should use those classes
 * ({@link CopytoolRegistration}, {@link CopyAction}, {@link HsmFiles}, {@link LustreFids}, {@link DataVersions},
 * {@link ChangelogReader}), which check return codes and own the native memory; this interface is the raw binding.
 */
public interface LustreApi {

    // ---------------------------------------------------------------- the library's own messages

    /**
     * typedef void (*llapi_log_callback_t)(enum llapi_message_level level, int err, const char *fmt, va_list ap).
     * {@code ap} arrives as a pointer on x86_64 (va_list is an array there) and on aarch64 (a va_list of 32 bytes is
     * passed by reference): it can be handed on to vsnprintf as it is, once.
     */
    interface LogCallback {
        @jnr.ffi.annotations.Delegate
        void log(int level, int err, Pointer fmt, Pointer ap);
    }

    /** void llapi_msg_set_level(int level) */
    void llapi_msg_set_level(int level);

    /** int llapi_msg_get_level(void) */
    int llapi_msg_get_level();

    /** llapi_log_callback_t llapi_error_callback_set(llapi_log_callback_t cb): returns the callback replaced */
    Pointer llapi_error_callback_set(LogCallback cb);

    /** llapi_log_callback_t llapi_info_callback_set(llapi_log_callback_t cb) */
    Pointer llapi_info_callback_set(LogCallback cb);

    // ---------------------------------------------------------------- copytool side

    /** int llapi_hsm_copytool_register(struct hsm_copytool_private **priv, const char *mnt, int archive_count, int *archives, int rfd_flags) */
    int llapi_hsm_copytool_register(@Out PointerByReference priv, String mnt, int archiveCount,
                                    @In int[] archives, int rfdFlags);

    /** int llapi_hsm_copytool_unregister(struct hsm_copytool_private **priv) */
    int llapi_hsm_copytool_unregister(PointerByReference priv);

    /** int llapi_hsm_copytool_get_fd(struct hsm_copytool_private *ct) */
    int llapi_hsm_copytool_get_fd(Pointer ct);

    /** int llapi_hsm_copytool_recv(struct hsm_copytool_private *priv, struct hsm_action_list **hal, int *msgsize) */
    int llapi_hsm_copytool_recv(Pointer ct, @Out PointerByReference hal, @Out IntByReference msgsize);

    /**
     * int llapi_hsm_action_begin(struct hsm_copyaction_private **phcp, const struct hsm_copytool_private *ct,
     * const struct hsm_action_item *hai, int restore_mdt_index, int restore_open_flags, bool is_error)
     */
    int llapi_hsm_action_begin(@Out PointerByReference phcp, Pointer ct, Pointer hai, int restoreMdtIndex,
                               int restoreOpenFlags, boolean isError);

    /** int llapi_hsm_action_end(struct hsm_copyaction_private **phcp, const struct hsm_extent *he, int hp_flags, int errval) */
    int llapi_hsm_action_end(PointerByReference phcp, Pointer he, int hpFlags, int errval);

    /** int llapi_hsm_action_progress(struct hsm_copyaction_private *hcp, const struct hsm_extent *he, __u64 total, int hp_flags) */
    int llapi_hsm_action_progress(Pointer hcp, Pointer he, @u_int64_t long total, int hpFlags);

    /** int llapi_hsm_action_get_dfid(const struct hsm_copyaction_private *hcp, struct lu_fid *fid) */
    int llapi_hsm_action_get_dfid(Pointer hcp, Pointer fid);

    /** int llapi_hsm_action_get_fd(const struct hsm_copyaction_private *hcp) */
    int llapi_hsm_action_get_fd(Pointer hcp);

    /**
     * int llapi_hsm_import(const char *dst, int archive, const struct stat *st, unsigned long long stripe_size,
     * int stripe_offset, int stripe_count, int stripe_pattern, char *pool_name, struct lu_fid *newfid)
     */
    int llapi_hsm_import(String dst, int archive, Pointer st, @u_int64_t long stripeSize, int stripeOffset,
                         int stripeCount, int stripePattern, String poolName, Pointer newfid);

    // ---------------------------------------------------------------- user side

    /** int llapi_hsm_state_get_fd(int fd, struct hsm_user_state *hus) */
    int llapi_hsm_state_get_fd(int fd, Pointer hus);

    /** int llapi_hsm_state_get(const char *path, struct hsm_user_state *hus) */
    int llapi_hsm_state_get(String path, Pointer hus);

    /** int llapi_hsm_state_set_fd(int fd, __u64 setmask, __u64 clearmask, __u32 archive_id) */
    int llapi_hsm_state_set_fd(int fd, @u_int64_t long setmask, @u_int64_t long clearmask,
                               @u_int32_t int archiveId);

    /** int llapi_hsm_state_set(const char *path, __u64 setmask, __u64 clearmask, __u32 archive_id) */
    int llapi_hsm_state_set(String path, @u_int64_t long setmask, @u_int64_t long clearmask,
                            @u_int32_t int archiveId);

    /** int llapi_hsm_current_action(const char *path, struct hsm_current_action *hca) */
    int llapi_hsm_current_action(String path, Pointer hca);

    /**
     * struct hsm_user_request *llapi_hsm_user_request_alloc(int itemcount, int data_len). Bound for completeness:
     * {@link HsmFiles#request} builds requests in Java-owned memory instead, so no libc free() binding is needed.
     */
    Pointer llapi_hsm_user_request_alloc(int itemcount, int dataLen);

    /** int llapi_hsm_request(const char *path, const struct hsm_user_request *request) */
    int llapi_hsm_request(String path, Pointer request);

    /** int llapi_hsm_data_version_set(int fd, __u64 data_version) */
    int llapi_hsm_data_version_set(int fd, @u_int64_t long dataVersion);

    /** int llapi_hsm_register_event_fifo(const char *path) */
    int llapi_hsm_register_event_fifo(String path);

    /** int llapi_hsm_unregister_event_fifo(const char *path) */
    int llapi_hsm_unregister_event_fifo(String path);

    // ---------------------------------------------------------------- FIDs and data versions

    /** int llapi_fid2path(const char *device, const char *fidstr, char *path, int pathlen, long long *recno, int *linkno) */
    int llapi_fid2path(String device, String fidstr, Pointer path, int pathlen, LongLongByReference recno,
                       IntByReference linkno);

    /** int llapi_path2fid(const char *path, struct lu_fid *fid) */
    int llapi_path2fid(String path, Pointer fid);

    /** int llapi_fd2fid(int fd, struct lu_fid *fid) */
    int llapi_fd2fid(int fd, Pointer fid);

    /** int llapi_get_data_version(int fd, __u64 *data_version, __u64 flags) */
    int llapi_get_data_version(int fd, @Out LongLongByReference dataVersion, @u_int64_t long flags);

    // ---------------------------------------------------------------- targets

    /**
     * int llapi_get_obd_count(char *mnt, int *count, int is_mdt): with is_mdt 1, how many MDTs the client's LMV
     * has (LL_IOC_GETOBDCOUNT; liblustreapi.c), i.e. MDT indexes 0 to count - 1.
     */
    int llapi_get_obd_count(String mnt, IntByReference count, int isMdt);

    /**
     * int llapi_get_mdt_index_by_fid(int fd, const struct lu_fid *fid, int *mdt_index): the MDT holding fid
     * (LL_IOC_FID2MDTIDX on any fd of the file system, answered by the client's FLD); returns that index, or -errno.
     */
    int llapi_get_mdt_index_by_fid(int fd, Pointer fid, IntByReference mdtIndex);

    /**
     * int llapi_obd_statfs(char *path, __u32 type, __u32 index, struct obd_statfs *stat_buf, struct obd_uuid
     * *uuid_buf): the space of one target, with type LL_STATFS_LOV the OST of that index (IOC_OBD_STATFS;
     * liblustreapi.c); -ENODEV past the last index, -ENODATA for an inactive target. stat_buf is 144 bytes (host
     * byte order: os_blocks at 8, os_bfree at 16, os_bavail at 24, os_bsize at 88), uuid_buf 40.
     */
    int llapi_obd_statfs(String path, @u_int32_t int type, @u_int32_t int index, @Out Pointer statBuf,
                         @Out Pointer uuidBuf);

    /**
     * int llapi_get_poolmembers(const char *poolname, char **members, int list_size, char *buffer, int
     * buffer_size): the member OST UUIDs of pool "FSNAME.POOL", NUL-terminated one after the other in buffer
     * (members[i] points at each); returns how many, or -errno.
     */
    int llapi_get_poolmembers(String poolname, @Out Pointer members, int listSize, @Out Pointer buffer,
                              int bufferSize);

    // ---------------------------------------------------------------- changelogs

    /** int llapi_changelog_start(void **priv, enum changelog_send_flag flags, const char *mdtname, long long startrec) */
    int llapi_changelog_start(@Out PointerByReference priv, int flags, String mdtname, long startrec);

    /** int llapi_changelog_fini(void **priv) */
    int llapi_changelog_fini(PointerByReference priv);

    /** int llapi_changelog_recv(void *priv, struct changelog_rec **rech) */
    int llapi_changelog_recv(Pointer priv, @Out PointerByReference rech);

    /** int llapi_changelog_free(struct changelog_rec **rech) */
    int llapi_changelog_free(PointerByReference rech);

    /** int llapi_changelog_get_fd(void *priv) */
    int llapi_changelog_get_fd(Pointer priv);

    /** int llapi_changelog_clear(const char *mdtname, const char *idstr, long long endrec) */
    int llapi_changelog_clear(String mdtname, String idstr, long endrec);
}

/*
 * The liblustreapi prototypes this project and Lustre's own HSM tools (lustre/utils/lhsmtool_posix.c,
 * lustre/tests/llapi_hsm_test.c) use, exactly as include/lustre/lustreapi.h in lustre-release declares them, with the
 * same system headers pulled in. Code written against this header links unchanged against the real liblustreapi.so
 * or the simulator's libhsmsim.so.
 */
#ifndef HSMSIM_LUSTREAPI_H
#define HSMSIM_LUSTREAPI_H

#include <glob.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <linux/lustre/lustre_user.h>
#include <fcntl.h>

#ifdef __cplusplus
extern "C" {
#endif

#define lustre_fid struct lu_fid

struct hsm_copytool_private;
struct hsm_copyaction_private;

/* messages of the library itself (lustre/utils/liblustreapi.c): printed to stderr unless a callback takes them */
enum llapi_message_level {
	LLAPI_MSG_OFF = 0,
	LLAPI_MSG_FATAL = 1,
	LLAPI_MSG_ERROR = 2,
	LLAPI_MSG_WARN = 3,
	LLAPI_MSG_NORMAL = 4,
	LLAPI_MSG_INFO = 5,
	LLAPI_MSG_DEBUG = 6,
	LLAPI_MSG_MAX
};

typedef void (*llapi_log_callback_t)(enum llapi_message_level level, int err, const char *fmt, va_list ap);

/* the bottom three bits reserved for llapi_message_level */
#define LLAPI_MSG_MASK 0x00000007
#define LLAPI_MSG_NO_ERRNO 0x00000010

static inline const char *llapi_msg_level2str(enum llapi_message_level level)
{
	static const char *levels[LLAPI_MSG_MAX] = { "OFF", "FATAL", "ERROR", "WARNING", "NORMAL", "INFO", "DEBUG" };

	if (level >= LLAPI_MSG_MAX)
		return NULL;
	return levels[level];
}

void llapi_msg_set_level(int level);
int llapi_msg_get_level(void);
llapi_log_callback_t llapi_error_callback_set(llapi_log_callback_t cb);
llapi_log_callback_t llapi_info_callback_set(llapi_log_callback_t cb);
void llapi_error(enum llapi_message_level level, int err, const char *fmt, ...)
	__attribute__((__format__(__printf__, 3, 4)));
#define llapi_err_noerrno(level, fmt, a...) llapi_error((level) | LLAPI_MSG_NO_ERRNO, 0, fmt, ##a)
void llapi_printf(enum llapi_message_level level, const char *fmt, ...) __attribute__((__format__(__printf__, 2, 3)));
void llapi_hsm_log_error(enum llapi_message_level level, int _rc, const char *fmt, va_list args);

/* copytool side */
int llapi_hsm_copytool_register(struct hsm_copytool_private **priv, const char *mnt, int archive_count,
				int *archives, int rfd_flags);
int llapi_hsm_copytool_unregister(struct hsm_copytool_private **priv);
int llapi_hsm_copytool_get_fd(struct hsm_copytool_private *ct);
int llapi_hsm_copytool_recv(struct hsm_copytool_private *priv, struct hsm_action_list **hal, int *msgsize);
int llapi_hsm_action_begin(struct hsm_copyaction_private **phcp, const struct hsm_copytool_private *ct,
			   const struct hsm_action_item *hai, int restore_mdt_index, int restore_open_flags,
			   bool is_error);
int llapi_hsm_action_end(struct hsm_copyaction_private **phcp, const struct hsm_extent *he, int hp_flags,
			 int errval);
int llapi_hsm_action_progress(struct hsm_copyaction_private *hcp, const struct hsm_extent *he, __u64 total,
			      int hp_flags);
int llapi_hsm_action_get_dfid(const struct hsm_copyaction_private *hcp, struct lu_fid *fid);
int llapi_hsm_action_get_fd(const struct hsm_copyaction_private *hcp);
int llapi_hsm_import(const char *dst, int archive, const struct stat *st, unsigned long long stripe_size,
		     int stripe_offset, int stripe_count, enum lov_pattern stripe_pattern, char *pool_name,
		     struct lu_fid *newfid);

/* user side */
int llapi_hsm_state_get_fd(int fd, struct hsm_user_state *hus);
int llapi_hsm_state_get(const char *path, struct hsm_user_state *hus);
int llapi_hsm_state_set_fd(int fd, __u64 setmask, __u64 clearmask, __u32 archive_id);
int llapi_hsm_state_set(const char *path, __u64 setmask, __u64 clearmask, __u32 archive_id);
int llapi_hsm_register_event_fifo(const char *path);
int llapi_hsm_unregister_event_fifo(const char *path);
int llapi_hsm_current_action(const char *path, struct hsm_current_action *hca);
struct hsm_user_request *llapi_hsm_user_request_alloc(int itemcount, int data_len);
int llapi_hsm_request(const char *path, const struct hsm_user_request *request);
int llapi_hsm_data_version_set(int fd, __u64 data_version);

/* FIDs and data versions */
int llapi_fid_parse(const char *fidstr, struct lu_fid *fid, char **endptr);
int llapi_fid2path_at(int mnt_fd, const struct lu_fid *fid, char *path, int pathlen, long long *recno,
		      int *linkno);
int llapi_fid2path(const char *device, const char *fidstr, char *path, int pathlen, long long *recno,
		   int *linkno);
int llapi_path2fid(const char *path, struct lu_fid *fid);
int llapi_fd2fid(int fd, struct lu_fid *fid);
int llapi_get_data_version(int fd, __u64 *data_version, __u64 flags);

/* mount points and file system names */
int llapi_search_mounts(const char *pathname, int index, char *mntdir, char *fsname);
int llapi_search_fsname(const char *pathname, char *fsname);
int llapi_search_rootpath(char *pathname, const char *fsname);
int llapi_get_obd_count(char *mnt, int *count, int is_mdt);
int llapi_get_mdt_index_by_fid(int fd, const struct lu_fid *fid, int *mdt_index);

/* targets' space and OST pools (lustre_user.h: struct obd_statfs, struct obd_uuid, enum ll_statfs_flags) */
#define LL_STATFS_LMV 1
#define LL_STATFS_LOV 2
#define LL_STATFS_NODELAY 4
#define UUID_MAX 40
struct obd_uuid {
	char uuid[UUID_MAX];
};
struct obd_statfs {
	__u64 os_type;
	__u64 os_blocks;
	__u64 os_bfree;
	__u64 os_bavail;
	__u64 os_files;
	__u64 os_ffree;
	__u8 os_fsid[40];
	__u32 os_bsize;
	__u32 os_namelen;
	__u64 os_maxbytes;
	__u32 os_state;
	__u32 os_fprecreated;
	__u32 os_granted;
	__u32 os_spare3;
	__u32 os_spare4;
	__u32 os_spare5;
	__u32 os_spare6;
	__u32 os_spare7;
	__u32 os_spare8;
	__u32 os_spare9;
};
int llapi_obd_statfs(char *path, __u32 type, __u32 index, struct obd_statfs *stat_buf, struct obd_uuid *uuid_buf);
int llapi_get_poolmembers(const char *poolname, char **members, int list_size, char *buffer, int buffer_size);

/* command-line helpers */
int llapi_parse_size(const char *optarg, unsigned long long *size, unsigned long long *size_units, int bytes_spec);

/* changelogs */
int llapi_changelog_start(void **priv, enum changelog_send_flag flags, const char *mdtname, long long startrec);
int llapi_changelog_fini(void **priv);
int llapi_changelog_recv(void *priv, struct changelog_rec **rech);
int llapi_changelog_free(struct changelog_rec **rech);
int llapi_changelog_get_fd(void *priv);
int llapi_changelog_clear(const char *mdtname, const char *idstr, long long endrec);

#ifdef __cplusplus
}
#endif

#endif /* HSMSIM_LUSTREAPI_H */

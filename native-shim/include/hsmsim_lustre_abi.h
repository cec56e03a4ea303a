/*
 * Our own declaration of the subset of the Lustre HSM ABI this project uses.
 *
 * Layouts follow include/uapi/linux/lustre/lustre_user.h (x86_64) in lustre-release.
 * Every size and offset of those structures is checked
 * at compile time below, so a mistake here breaks the build instead of a cluster.
 *
 * The simulator (libhsmsim.so) builds its messages from these declarations only; the Java
 * copytool decodes them with its own reading of the reference.  Neither side derives its
 * layout from the other.
 */
#ifndef HSMSIM_LUSTRE_ABI_H
#define HSMSIM_LUSTRE_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* ---------------------------------------------------------------- FIDs */

struct lu_fid {
	__u64 f_seq;
	__u32 f_oid;
	__u32 f_ver;
};

#define DFID_NOBRACE "%#llx:0x%x:0x%x"
#define DFID "[" DFID_NOBRACE "]"
#define PFID(fid) (unsigned long long)(fid)->f_seq, (fid)->f_oid, (fid)->f_ver
#define SFID "0x%llx:0x%x:0x%x"
#define RFID(fid) &((fid)->f_seq), &((fid)->f_oid), &((fid)->f_ver)
#define FID_NOBRACE_LEN 40
#define FID_LEN (FID_NOBRACE_LEN + 2)

/* ---------------------------------------------------------------- extents */

struct hsm_extent {
	__u64 offset;
	__u64 length;
} __attribute__((packed));

/* ---------------------------------------------------------------- HSM states (hus_states) */

enum hsm_states {
	HS_NONE = 0x00000000,
	HS_EXISTS = 0x00000001,
	HS_DIRTY = 0x00000002,
	HS_RELEASED = 0x00000004,
	HS_ARCHIVED = 0x00000008,
	HS_NORELEASE = 0x00000010,
	HS_NOARCHIVE = 0x00000020,
	HS_LOST = 0x00000040,
	HS_PCCRW = 0x00000080,
	HS_PCCRO = 0x00000100,
};

#define HSM_USER_MASK (HS_NORELEASE | HS_NOARCHIVE | HS_DIRTY)
#define HSM_STATUS_MASK (HS_EXISTS | HS_LOST | HS_RELEASED | HS_ARCHIVED | HS_PCCRW | HS_PCCRO)
#define HSM_FLAGS_MASK (HSM_USER_MASK | HSM_STATUS_MASK)

/* ---------------------------------------------------------------- actions */

/* What a user asks for (hsm_user_request, hus_in_progress_action, hca_action). */
enum hsm_user_action {
	HUA_NONE = 1,
	HUA_ARCHIVE = 10,
	HUA_RESTORE = 11,
	HUA_RELEASE = 12,
	HUA_REMOVE = 13,
	HUA_CANCEL = 14,
};

/* What the coordinator sends a copytool (hai_action). */
enum hsm_copytool_action {
	HSMA_NONE = 10,
	HSMA_ARCHIVE = 20,
	HSMA_RESTORE = 21,
	HSMA_REMOVE = 22,
	HSMA_CANCEL = 23,
};

enum hsm_progress_states {
	HPS_NONE = 0,
	HPS_WAITING = 1,
	HPS_RUNNING = 2,
	HPS_DONE = 3,
};

enum agent_req_status {
	ARS_WAITING = 0,
	ARS_STARTED = 1,
	ARS_FAILED = 2,
	ARS_CANCELED = 3,
	ARS_SUCCEED = 4,
};

/* hsm_request.hr_flags */
#define HSM_FORCE_ACTION 0x0001
#define HSM_GHOST_COPY 0x0002
#define HSM_REQ_BLOCKING 0x0004

/* hp_flags of progress and end */
#define HP_FLAG_COMPLETED 0x01
#define HP_FLAG_RETRY 0x02

/* ---------------------------------------------------------------- coordinator -> copytool */

struct hsm_action_item {
	__u32 hai_len;
	__u32 hai_action;
	struct lu_fid hai_fid;
	struct lu_fid hai_dfid;
	struct hsm_extent hai_extent;
	__u64 hai_cookie;
	__u64 hai_gid;
	char hai_data[0];
} __attribute__((packed));

#define HAL_VERSION 1
#define HAL_MAXSIZE (1 << 20) /* the library's receive buffer */

struct hsm_action_list {
	__u32 hal_version;
	__u32 hal_count;
	__u64 hal_compound_id;
	__u64 hal_flags;
	__u32 hal_archive_id;
	__u32 padding1;
	char hal_fsname[0];
} __attribute__((packed));

static inline size_t cfs_size_round(size_t val)
{
	return (val + 7) & ~((size_t)7);
}

static inline struct hsm_action_item *hai_first(struct hsm_action_list *hal)
{
	size_t offset = cfs_size_round(__builtin_strlen(hal->hal_fsname) + 1);

	return (struct hsm_action_item *)(hal->hal_fsname + offset);
}

static inline struct hsm_action_item *hai_next(struct hsm_action_item *hai)
{
	return (struct hsm_action_item *)((char *)hai + cfs_size_round(hai->hai_len));
}

/* ---------------------------------------------------------------- user-visible state */

struct hsm_user_state {
	__u32 hus_states;
	__u32 hus_archive_id;
	__u32 hus_in_progress_state;
	__u32 hus_in_progress_action;
	struct hsm_extent hus_in_progress_location;
	char hus_extended_info[];
};

struct hsm_current_action {
	__u32 hca_state;  /* enum hsm_progress_states */
	__u32 hca_action; /* enum hsm_user_action */
	struct hsm_extent hca_location;
};

/* ---------------------------------------------------------------- user requests */

struct hsm_request {
	__u32 hr_action;
	__u32 hr_archive_id;
	__u64 hr_flags;
	__u32 hr_itemcount;
	__u32 hr_data_len;
};

struct hsm_user_item {
	struct lu_fid hui_fid;
	struct hsm_extent hui_extent;
} __attribute__((packed));

struct hsm_user_request {
	struct hsm_request hur_request;
	struct hsm_user_item hur_user_item[0];
} __attribute__((packed));

static inline void *hur_data(struct hsm_user_request *hur)
{
	return &hur->hur_user_item[hur->hur_request.hr_itemcount];
}

static inline ssize_t hur_len(struct hsm_user_request *hur)
{
	return offsetof(struct hsm_user_request, hur_user_item[0]) +
	       (size_t)hur->hur_request.hr_itemcount * sizeof(hur->hur_user_item[0]) +
	       hur->hur_request.hr_data_len;
}

/* ---------------------------------------------------------------- copytool -> coordinator */

struct hsm_progress {
	struct lu_fid hp_fid;
	__u64 hp_cookie;
	struct hsm_extent hp_extent;
	__u16 hp_flags;
	__u16 hp_errval; /* positive */
	__u32 padding;
};

struct hsm_copy {
	__u64 hc_data_version;
	__u16 hc_flags;
	__u16 hc_errval;
	__u32 padding;
	struct hsm_action_item hc_hai;
};

struct hsm_user_import {
	__u64 hui_size;
	__u64 hui_atime;
	__u64 hui_mtime;
	__u32 hui_atime_ns;
	__u32 hui_mtime_ns;
	__u32 hui_uid;
	__u32 hui_gid;
	__u32 hui_mode;
	__u32 hui_archive_id;
};

/* trusted.hsm */
struct hsm_attrs {
	__u32 hsm_compat;
	__u32 hsm_flags;
	__u64 hsm_arch_id;
	__u64 hsm_arch_ver;
};

/* Kernel-userspace communication header in front of every message on the copytool pipe. */
struct kuc_hdr {
	__u16 kuc_magic;
	__u8 kuc_transport;
	__u8 kuc_flags;
	__u16 kuc_msgtype;
	__u16 kuc_msglen;
} __attribute__((aligned(sizeof(__u64))));

#define KUC_MAGIC 0x191C
#define KUC_TRANSPORT_HSM 2
#define HMT_ACTION_LIST 100

/* ---------------------------------------------------------------- changelogs */

enum changelog_rec_type {
	CL_NONE = -1,
	CL_MARK = 0,
	CL_CREATE = 1,
	CL_MKDIR = 2,
	CL_HARDLINK = 3,
	CL_SOFTLINK = 4,
	CL_MKNOD = 5,
	CL_UNLINK = 6,
	CL_RMDIR = 7,
	CL_RENAME = 8,
	CL_EXT = 9,
	CL_OPEN = 10,
	CL_CLOSE = 11,
	CL_LAYOUT = 12,
	CL_TRUNC = 13,
	CL_SETATTR = 14,
	CL_SETXATTR = 15,
	CL_XATTR = CL_SETXATTR,
	CL_HSM = 16,
	CL_MTIME = 17,
	CL_CTIME = 18,
	CL_ATIME = 19,
	CL_MIGRATE = 20,
	CL_FLRW = 21,
	CL_RESYNC = 22,
	CL_GETXATTR = 23,
	CL_DN_OPEN = 24,
	CL_LAST,
};

enum changelog_rec_flags {
	CLF_VERSION = 0x1000,
	CLF_RENAME = 0x2000,
	CLF_JOBID = 0x4000,
	CLF_EXTRA_FLAGS = 0x8000,
	CLF_SUPPORTED = CLF_VERSION | CLF_RENAME | CLF_JOBID | CLF_EXTRA_FLAGS,
	CLF_FLAGMASK = 0x0FFF,
	CLF_VERMASK = 0xF000,
};

/* per-type flags in the low 12 bits of cr_flags */
#define CLF_UNLINK_LAST 0x0001
#define CLF_UNLINK_HSM_EXISTS 0x0002
#define CLF_RENAME_LAST 0x0001
#define CLF_RENAME_LAST_EXISTS 0x0002

/* CL_HSM: bits 0-6 errno, 7-9 event, bit 10 dirty */
enum hsm_event {
	HE_ARCHIVE = 0,
	HE_RESTORE = 1,
	HE_CANCEL = 2,
	HE_RELEASE = 3,
	HE_REMOVE = 4,
	HE_STATE = 5,
	HE_SPARE1 = 6,
	HE_SPARE2 = 7,
};
#define CLF_HSM_ERR_L 0
#define CLF_HSM_ERR_H 6
#define CLF_HSM_EVENT_L 7
#define CLF_HSM_EVENT_H 9
#define CLF_HSM_FLAG_L 10
#define CLF_HSM_FLAG_H 11
#define CLF_HSM_SPARE_L 12
#define CLF_HSM_SPARE_H 15
#define CLF_HSM_DIRTY 1

enum changelog_send_flag {
	CHANGELOG_FLAG_FOLLOW = 0x01,
	CHANGELOG_FLAG_BLOCK = 0x02,
	CHANGELOG_FLAG_JOBID = 0x04,
	CHANGELOG_FLAG_EXTRA_FLAGS = 0x08,
};

struct changelog_rec {
	__u16 cr_namelen;
	__u16 cr_flags;
	__u32 cr_type;
	__u64 cr_index;
	__u64 cr_prev;
	__u64 cr_time;
	union {
		struct lu_fid cr_tfid;
		__u32 cr_markerflags;
	};
	struct lu_fid cr_pfid;
} __attribute__((packed));

struct changelog_ext_rename {
	struct lu_fid cr_sfid;
	struct lu_fid cr_spfid;
};

struct changelog_ext_jobid {
	char cr_jobid[32];
};

struct changelog_ext_extra_flags {
	__u64 cr_extra_flags;
};

/* ---------------------------------------------------------------- data versions */

#define LL_DV_RD_FLUSH (1 << 0)
#define LL_DV_WR_FLUSH (1 << 1)

/*
 * llapi_get_data_version's ioctl on the open file (lustre_user.h: LL_IOC_DATA_VERSION _IOR('f', 218, ...)). Declared
 * _IOR although llite reads idv_flags from it too: a FUSE file system, whose ioctls the kernel restricts to what the
 * number encodes, therefore never sees the flags (the simulator flushes nothing either way) and answers all 16 bytes.
 */
struct ioc_data_version {
	__u64 idv_version;
	__u32 idv_layout_version; /* FLR: UINT_MAX when no OST object has one */
	__u32 idv_flags;
};

#define LL_IOC_DATA_VERSION _IOR('f', 218, struct ioc_data_version)

/* ---------------------------------------------------------------- layout checks */

#define HSMSIM_CHECK_SIZE(type, size) _Static_assert(sizeof(type) == (size), #type " size")
#define HSMSIM_CHECK_OFFSET(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " offset")

HSMSIM_CHECK_SIZE(struct lu_fid, 16);
HSMSIM_CHECK_OFFSET(struct lu_fid, f_seq, 0);
HSMSIM_CHECK_OFFSET(struct lu_fid, f_oid, 8);
HSMSIM_CHECK_OFFSET(struct lu_fid, f_ver, 12);

HSMSIM_CHECK_SIZE(struct hsm_extent, 16);
HSMSIM_CHECK_OFFSET(struct hsm_extent, offset, 0);
HSMSIM_CHECK_OFFSET(struct hsm_extent, length, 8);

HSMSIM_CHECK_SIZE(struct hsm_action_item, 72);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_len, 0);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_action, 4);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_fid, 8);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_dfid, 24);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_extent, 40);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_cookie, 56);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_gid, 64);
HSMSIM_CHECK_OFFSET(struct hsm_action_item, hai_data, 72);

HSMSIM_CHECK_SIZE(struct hsm_action_list, 32);
HSMSIM_CHECK_OFFSET(struct hsm_action_list, hal_version, 0);
HSMSIM_CHECK_OFFSET(struct hsm_action_list, hal_count, 4);
HSMSIM_CHECK_OFFSET(struct hsm_action_list, hal_compound_id, 8);
HSMSIM_CHECK_OFFSET(struct hsm_action_list, hal_flags, 16);
HSMSIM_CHECK_OFFSET(struct hsm_action_list, hal_archive_id, 24);
HSMSIM_CHECK_OFFSET(struct hsm_action_list, padding1, 28);
HSMSIM_CHECK_OFFSET(struct hsm_action_list, hal_fsname, 32);

HSMSIM_CHECK_SIZE(struct hsm_user_state, 32);
HSMSIM_CHECK_OFFSET(struct hsm_user_state, hus_states, 0);
HSMSIM_CHECK_OFFSET(struct hsm_user_state, hus_archive_id, 4);
HSMSIM_CHECK_OFFSET(struct hsm_user_state, hus_in_progress_state, 8);
HSMSIM_CHECK_OFFSET(struct hsm_user_state, hus_in_progress_action, 12);
HSMSIM_CHECK_OFFSET(struct hsm_user_state, hus_in_progress_location, 16);

HSMSIM_CHECK_SIZE(struct hsm_current_action, 24);
HSMSIM_CHECK_OFFSET(struct hsm_current_action, hca_state, 0);
HSMSIM_CHECK_OFFSET(struct hsm_current_action, hca_action, 4);
HSMSIM_CHECK_OFFSET(struct hsm_current_action, hca_location, 8);

HSMSIM_CHECK_SIZE(struct hsm_request, 24);
HSMSIM_CHECK_OFFSET(struct hsm_request, hr_action, 0);
HSMSIM_CHECK_OFFSET(struct hsm_request, hr_archive_id, 4);
HSMSIM_CHECK_OFFSET(struct hsm_request, hr_flags, 8);
HSMSIM_CHECK_OFFSET(struct hsm_request, hr_itemcount, 16);
HSMSIM_CHECK_OFFSET(struct hsm_request, hr_data_len, 20);

HSMSIM_CHECK_SIZE(struct hsm_user_item, 32);
HSMSIM_CHECK_OFFSET(struct hsm_user_item, hui_fid, 0);
HSMSIM_CHECK_OFFSET(struct hsm_user_item, hui_extent, 16);

HSMSIM_CHECK_SIZE(struct hsm_user_request, 24);

HSMSIM_CHECK_SIZE(struct hsm_progress, 48);
HSMSIM_CHECK_OFFSET(struct hsm_progress, hp_fid, 0);
HSMSIM_CHECK_OFFSET(struct hsm_progress, hp_cookie, 16);
HSMSIM_CHECK_OFFSET(struct hsm_progress, hp_extent, 24);
HSMSIM_CHECK_OFFSET(struct hsm_progress, hp_flags, 40);
HSMSIM_CHECK_OFFSET(struct hsm_progress, hp_errval, 42);

HSMSIM_CHECK_SIZE(struct hsm_copy, 88);
HSMSIM_CHECK_OFFSET(struct hsm_copy, hc_hai, 16);

HSMSIM_CHECK_SIZE(struct hsm_user_import, 48);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_size, 0);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_atime, 8);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_mtime, 16);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_atime_ns, 24);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_mtime_ns, 28);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_uid, 32);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_gid, 36);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_mode, 40);
HSMSIM_CHECK_OFFSET(struct hsm_user_import, hui_archive_id, 44);

HSMSIM_CHECK_SIZE(struct hsm_attrs, 24);

HSMSIM_CHECK_SIZE(struct ioc_data_version, 16);
HSMSIM_CHECK_OFFSET(struct ioc_data_version, idv_layout_version, 8);
HSMSIM_CHECK_OFFSET(struct ioc_data_version, idv_flags, 12);
_Static_assert(LL_IOC_DATA_VERSION == 0x801066daU, "LL_IOC_DATA_VERSION");

HSMSIM_CHECK_SIZE(struct kuc_hdr, 8);

HSMSIM_CHECK_SIZE(struct changelog_rec, 64);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_namelen, 0);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_flags, 2);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_type, 4);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_index, 8);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_prev, 16);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_time, 24);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_tfid, 32);
HSMSIM_CHECK_OFFSET(struct changelog_rec, cr_pfid, 48);
HSMSIM_CHECK_SIZE(struct changelog_ext_rename, 32);
HSMSIM_CHECK_SIZE(struct changelog_ext_jobid, 32);
HSMSIM_CHECK_SIZE(struct changelog_ext_extra_flags, 8);

#endif /* HSMSIM_LUSTRE_ABI_H */

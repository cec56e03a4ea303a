/*
 * <linux/lustre/lustre_user.h> as far as this project and the Lustre tools built against the simulator use it:
 * the HSM structures (declared once, in ../../hsmsim_lustre_abi.h) and the file layout a copytool saves at archive
 * and gives back at restore (struct lov_user_md, XATTR_LUSTRE_LOV, O_LOV_DELAY_CREATE).
 *
 * Names, values and layouts follow include/uapi/linux/lustre/lustre_user.h in lustre-release (x86_64); sizes and
 * offsets are checked at compile time below. The real header pulls in <linux/limits.h> (XATTR_SIZE_MAX,
 * XATTR_LIST_MAX, which lhsmtool_posix sizes its buffers with) and <fcntl.h> is needed for O_LOV_DELAY_CREATE.
 */
#ifndef HSMSIM_LINUX_LUSTRE_USER_H
#define HSMSIM_LINUX_LUSTRE_USER_H

#include <fcntl.h>
#include <linux/limits.h>
#include <linux/types.h>
#include <stdbool.h>

#include "../../hsmsim_lustre_abi.h"

static inline bool fid_is_zero(const struct lu_fid *fid)
{
	return fid->f_seq == 0 && fid->f_oid == 0;
}

/* names of the HSM codes, as lustre_user.h spells them for messages (lhsmtool_posix traces each action so) */
static inline const char *hsm_progress_state2name(enum hsm_progress_states s)
{
	switch (s) {
	case HPS_WAITING: return "waiting";
	case HPS_RUNNING: return "running";
	case HPS_DONE: return "done";
	default: return "unknown";
	}
}

static inline const char *hsm_user_action2name(enum hsm_user_action a)
{
	switch (a) {
	case HUA_NONE: return "NOOP";
	case HUA_ARCHIVE: return "ARCHIVE";
	case HUA_RESTORE: return "RESTORE";
	case HUA_RELEASE: return "RELEASE";
	case HUA_REMOVE: return "REMOVE";
	case HUA_CANCEL: return "CANCEL";
	default: return "UNKNOWN";
	}
}

static inline const char *hsm_copytool_action2name(enum hsm_copytool_action a)
{
	switch (a) {
	case HSMA_NONE: return "NOOP";
	case HSMA_ARCHIVE: return "ARCHIVE";
	case HSMA_RESTORE: return "RESTORE";
	case HSMA_REMOVE: return "REMOVE";
	case HSMA_CANCEL: return "CANCEL";
	default: return "UNKNOWN";
	}
}

/* the client's hidden directory of every mount (.lustre/fid/<FID> opens a file by FID) */
#define dot_lustre_name ".lustre"

/* lustre_user.h: the longest OBD (target, device) name, and the longest file system name */
#define MAX_OBD_NAME 128
#define LUSTRE_MAXFSNAME 8

/*
 * Open flag asking llite not to allocate the new file's objects yet, so that the caller can set the layout itself
 * (setxattr XATTR_LUSTRE_LOV, or the layout ioctl) before the first write. O_NOCTTY and FASYNC mean nothing for a
 * regular file, which is why Lustre borrows them (LU-4209).
 */
#ifndef FASYNC
#define FASYNC 00020000
#endif
#define O_LOV_DELAY_CREATE (O_NOCTTY | FASYNC)

/* ---------------------------------------------------------------- file layouts (LOV) */

#define LOV_USER_MAGIC_V1 0x0BD10BD0
#define LOV_USER_MAGIC LOV_USER_MAGIC_V1
#define LOV_USER_MAGIC_JOIN_V1 0x0BD20BD0
#define LOV_USER_MAGIC_V3 0x0BD30BD0
#define LOV_USER_MAGIC_SPECIFIC 0x0BD50BD0
#define LOV_USER_MAGIC_COMP_V1 0x0BD60BD0
#define LOV_USER_MAGIC_FOREIGN 0x0BD70BD0
#define LOV_USER_MAGIC_SEL 0x0BD80BD0

enum lov_pattern {
	LOV_PATTERN_NONE = 0x000,
	LOV_PATTERN_RAID0 = 0x001,
	LOV_PATTERN_RAID1 = 0x002,
	LOV_PATTERN_PARITY = 0x004,
	LOV_PATTERN_MDT = 0x100,
	LOV_PATTERN_OVERSTRIPING = 0x200,
	LOV_PATTERN_FOREIGN = 0x400,
	LOV_PATTERN_COMPRESS = 0x800,
	LOV_PATTERN_BAD = LOV_PATTERN_RAID1 | LOV_PATTERN_MDT | LOV_PATTERN_FOREIGN,
	LOV_PATTERN_F_MASK = 0xffff0000,
	LOV_PATTERN_F_HOLE = 0x40000000,     /* hole in LOV EA objects */
	LOV_PATTERN_F_RELEASED = 0x80000000, /* HSM released file */
	LOV_PATTERN_DEFAULT = 0xffffffff
};

#define LOV_OFFSET_DEFAULT ((__u16)-1)
#define LOV_MAXPOOLNAME 15
#define LOV_POOLNAMEF "%.15s"

#define XATTR_LUSTRE_PREFIX "lustre."
#define XATTR_LUSTRE_LOV XATTR_LUSTRE_PREFIX "lov"

/* An object id on an OST: sequence and id, or (on a DNE-era OST) a FID. */
struct ost_id {
	union {
		struct {
			__u64 oi_id;
			__u64 oi_seq;
		} oi;
		struct lu_fid oi_fid;
	};
} __attribute__((packed));

#define lov_user_ost_data lov_user_ost_data_v1
struct lov_user_ost_data_v1 { /* one stripe */
	struct ost_id l_ost_oi;
	union {
		__u32 l_ost_type;
		__u32 l_ost_gen;
	};
	__u32 l_ost_idx; /* OST index in the LOV */
} __attribute__((packed));

#define lov_user_md lov_user_md_v1
struct lov_user_md_v1 { /* the layout as user space reads and sets it (host-endian) */
	__u32 lmm_magic; /* LOV_USER_MAGIC_V1 */
	__u32 lmm_pattern; /* enum lov_pattern */
	struct ost_id lmm_oi;
	__u32 lmm_stripe_size;
	__u16 lmm_stripe_count;
	union {
		__u16 lmm_stripe_offset; /* when setting: the first OST, -1 for any */
		__u16 lmm_layout_gen;    /* when reading */
	};
	struct lov_user_ost_data_v1 lmm_objects[];
} __attribute__((packed, __may_alias__));

struct lov_user_md_v3 { /* v1 plus the pool */
	__u32 lmm_magic; /* LOV_USER_MAGIC_V3 */
	__u32 lmm_pattern;
	struct ost_id lmm_oi;
	__u32 lmm_stripe_size;
	__u16 lmm_stripe_count;
	union {
		__u16 lmm_stripe_offset;
		__u16 lmm_layout_gen;
	};
	char lmm_pool_name[LOV_MAXPOOLNAME + 1];
	struct lov_user_ost_data_v1 lmm_objects[];
} __attribute__((packed, __may_alias__));

HSMSIM_CHECK_SIZE(struct ost_id, 16);
HSMSIM_CHECK_SIZE(struct lov_user_ost_data_v1, 24);
HSMSIM_CHECK_OFFSET(struct lov_user_ost_data_v1, l_ost_gen, 16);
HSMSIM_CHECK_OFFSET(struct lov_user_ost_data_v1, l_ost_idx, 20);
HSMSIM_CHECK_SIZE(struct lov_user_md_v1, 32);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v1, lmm_magic, 0);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v1, lmm_pattern, 4);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v1, lmm_oi, 8);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v1, lmm_stripe_size, 24);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v1, lmm_stripe_count, 28);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v1, lmm_stripe_offset, 30);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v1, lmm_objects, 32);
HSMSIM_CHECK_SIZE(struct lov_user_md_v3, 48);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v3, lmm_pool_name, 32);
HSMSIM_CHECK_OFFSET(struct lov_user_md_v3, lmm_objects, 48);

#endif /* HSMSIM_LINUX_LUSTRE_USER_H */

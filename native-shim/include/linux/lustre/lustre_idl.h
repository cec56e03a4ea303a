/*
 * <linux/lustre/lustre_idl.h> as far as user-space tools built against the simulator use it: the FID sequence
 * ranges, the archive-id limits of a copytool registration and the xattr name prefixes. Values from
 * include/uapi/linux/lustre/lustre_idl.h in lustre-release (enum fid_seq, LL_HSM_ORIGIN_MAX_ARCHIVE,
 * LL_HSM_MAX_ARCHIVES_PER_AGENT, XATTR_*_PREFIX). The wire protocol itself is not declared: nothing here speaks it.
 */
#ifndef HSMSIM_LINUX_LUSTRE_IDL_H
#define HSMSIM_LINUX_LUSTRE_IDL_H

#include <linux/types.h>

#include <linux/lustre/lustre_user.h>

/* Which kind of object a FID sequence names. The simulator hands out normal FIDs (FID_SEQ_NORMAL and up, one range
 * per MDT) and the root FID_SEQ_ROOT:0x1:0x0, as an MDT does. */
enum fid_seq {
	FID_SEQ_OST_MDT0 = 0,
	FID_SEQ_LLOG = 1,
	FID_SEQ_ECHO = 2,
	FID_SEQ_UNUSED_START = 3,
	FID_SEQ_UNUSED_END = 9,
	FID_SEQ_LLOG_NAME = 10,
	FID_SEQ_RSVD = 11,
	FID_SEQ_IGIF = 12,
	FID_SEQ_IGIF_MAX = 0x0ffffffffULL,
	FID_SEQ_IDIF = 0x100000000ULL,
	FID_SEQ_IDIF_MAX = 0x1ffffffffULL,
	FID_SEQ_START = 0x200000000ULL,
	FID_SEQ_LOCAL_FILE = 0x200000001ULL,
	FID_SEQ_DOT_LUSTRE = 0x200000002ULL,
	FID_SEQ_LOCAL_NAME = 0x200000003ULL,
	FID_SEQ_SPECIAL = 0x200000004ULL,
	FID_SEQ_QUOTA = 0x200000005ULL,
	FID_SEQ_QUOTA_GLB = 0x200000006ULL,
	FID_SEQ_ROOT = 0x200000007ULL,
	FID_SEQ_LAYOUT_RBTREE = 0x200000008ULL,
	FID_SEQ_UPDATE_LOG = 0x200000009ULL,
	FID_SEQ_UPDATE_LOG_DIR = 0x20000000aULL,
	FID_SEQ_NORMAL = 0x200000400ULL,
	FID_SEQ_LOV_DEFAULT = 0xffffffffffffffffULL
};

/* A copytool registers archive ids >= 0 (0: all); the old bitmap interface knew 32 of them. */
#define LL_HSM_ORIGIN_MAX_ARCHIVE (sizeof(__u32) * 8)
/* at most this many archive ids per copytool registration */
#define LL_HSM_MAX_ARCHIVES_PER_AGENT 1024

/* <linux/xattr.h> declares the same prefixes with the same values */
#ifndef XATTR_USER_PREFIX
#define XATTR_USER_PREFIX "user."
#endif
#ifndef XATTR_TRUSTED_PREFIX
#define XATTR_TRUSTED_PREFIX "trusted."
#endif
#ifndef XATTR_SECURITY_PREFIX
#define XATTR_SECURITY_PREFIX "security."
#endif
#define XATTR_NAME_LOV "trusted.lov"
#define XATTR_NAME_LMA "trusted.lma"
#define XATTR_NAME_HSM "trusted.hsm"
#define XATTR_NAME_LINK "trusted.link"

#endif /* HSMSIM_LINUX_LUSTRE_IDL_H */

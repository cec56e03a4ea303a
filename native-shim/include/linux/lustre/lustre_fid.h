/*
 * <linux/lustre/lustre_fid.h>: what kind of object a FID names, from its sequence alone (no lookup). Same names and
 * meaning as include/uapi/linux/lustre/lustre_fid.h in lustre-release; lhsmtool_posix uses fid_is_norm and
 * fid_is_igif to tell a file's FID from anything else before it rebinds an archive copy.
 */
#ifndef HSMSIM_LINUX_LUSTRE_FID_H
#define HSMSIM_LINUX_LUSTRE_FID_H

#include <stdbool.h>
#include <string.h>
#include <linux/types.h>

#include <linux/lustre/lustre_idl.h>

static inline __u64 fid_seq(const struct lu_fid *fid)
{
	return fid->f_seq;
}

static inline __u32 fid_oid(const struct lu_fid *fid)
{
	return fid->f_oid;
}

static inline __u32 fid_ver(const struct lu_fid *fid)
{
	return fid->f_ver;
}

static inline void fid_zero(struct lu_fid *fid)
{
	memset(fid, 0, sizeof(*fid));
}

static inline bool fid_seq_is_mdt0(__u64 seq)
{
	return seq == FID_SEQ_OST_MDT0;
}

static inline bool fid_seq_is_mdt(__u64 seq)
{
	return seq == FID_SEQ_OST_MDT0 || seq >= FID_SEQ_NORMAL;
}

/* inode and generation of a file from before FIDs (Lustre 1.8), as a FID */
static inline bool fid_seq_is_igif(__u64 seq)
{
	return seq >= FID_SEQ_IGIF && seq <= FID_SEQ_IGIF_MAX;
}

static inline bool fid_is_igif(const struct lu_fid *fid)
{
	return fid_seq_is_igif(fid_seq(fid));
}

/* an ordinary file or directory created by an MDT */
static inline bool fid_seq_is_norm(__u64 seq)
{
	return seq >= FID_SEQ_NORMAL;
}

static inline bool fid_is_norm(const struct lu_fid *fid)
{
	return fid_seq_is_norm(fid_seq(fid));
}

static inline bool fid_seq_is_rsvd(__u64 seq)
{
	return seq > FID_SEQ_OST_MDT0 && seq <= FID_SEQ_RSVD;
}

/* an OST object of before FIDs on OSTs */
static inline bool fid_seq_is_idif(__u64 seq)
{
	return seq >= FID_SEQ_IDIF && seq <= FID_SEQ_IDIF_MAX;
}

static inline bool fid_is_idif(const struct lu_fid *fid)
{
	return fid_seq_is_idif(fid_seq(fid));
}

/* what an MDT takes as a FID at all: anything else in an HSM request is refused with EINVAL */
static inline bool fid_is_sane(const struct lu_fid *fid)
{
	return fid != NULL && ((fid_seq(fid) >= FID_SEQ_START && !fid_ver(fid)) || fid_is_igif(fid) ||
			       fid_is_idif(fid) || fid_seq_is_rsvd(fid_seq(fid)));
}

#endif /* HSMSIM_LINUX_LUSTRE_FID_H */

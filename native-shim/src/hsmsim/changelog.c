/*
 * llapi_changelog_*: the daemon streams "REC ..." lines (then "EOF" unless following); this library lays each out
 * as a struct changelog_rec with the extensions the reader asked for.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsmsim_internal.h"

#define CL_MAGIC 0xC1A9E100

struct changelog_private {
	unsigned int magic;
	int sock;
	int flags;
};

HSMSIM_EXPORT int llapi_changelog_start(void **priv, enum changelog_send_flag flags, const char *mdtname,
				       long long startrec)
{
	struct hsmsim_cluster c;
	if (priv == NULL || mdtname == NULL)
		return -EINVAL;
	int rc = hsmsim_cluster_of_fsname(mdtname, &c);
	if (rc != 0)
		return rc;
	struct changelog_private *cp = calloc(1, sizeof(*cp));
	if (cp == NULL)
		return -ENOMEM;
	cp->magic = CL_MAGIC;
	cp->flags = flags;
	cp->sock = hsmsim_connect(c.socket);
	if (cp->sock < 0) {
		rc = cp->sock;
		free(cp);
		return rc;
	}
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "CHANGELOG_READ");
	hsmsim_msg_str(&m, "mdt", mdtname);
	hsmsim_msg_i64(&m, "start", startrec);
	hsmsim_msg_u64(&m, "follow", (flags & CHANGELOG_FLAG_FOLLOW) ? 1 : 0);
	rc = hsmsim_send(cp->sock, &m);
	hsmsim_msg_free(&m);
	if (rc != 0) {
		close(cp->sock);
		free(cp);
		return rc;
	}
	*priv = cp;
	/*
	 * As liblustreapi_chlg.c 122-137: a reader that does not ask for the extensions that "will eventually become
	 * mandatory" is warned, once per process for each.
	 */
	static bool warned_extra_flags, warned_jobid;
	if (!(flags & CHANGELOG_FLAG_EXTRA_FLAGS) && !warned_extra_flags) {
		llapi_err_noerrno(LLAPI_MSG_WARN, "warning: %s() called without CHANGELOG_FLAG_EXTRA_FLAGS", __func__);
		warned_extra_flags = true;
	}
	if (!(flags & CHANGELOG_FLAG_JOBID) && !warned_jobid) {
		llapi_err_noerrno(LLAPI_MSG_WARN, "warning: %s() called without CHANGELOG_FLAG_JOBID", __func__);
		warned_jobid = true;
	}
	return 0;
}

HSMSIM_EXPORT int llapi_changelog_fini(void **priv)
{
	if (priv == NULL || *priv == NULL)
		return -EINVAL;
	struct changelog_private *cp = *priv;
	if (cp->magic != CL_MAGIC)
		return -EINVAL;
	close(cp->sock);
	cp->magic = 0;
	free(cp);
	*priv = NULL;
	return 0;
}

HSMSIM_EXPORT int llapi_changelog_get_fd(void *priv)
{
	struct changelog_private *cp = priv;
	if (cp == NULL || cp->magic != CL_MAGIC)
		return -EINVAL;
	return cp->sock;
}

static int build_rec(const struct changelog_private *cp, const struct hsmsim_reply *r, struct changelog_rec **out)
{
	unsigned long long index, type, flags, time_ns, extra;
	struct lu_fid tfid, pfid, sfid, spfid;
	const char *name = hsmsim_reply_get(r, "name");
	const char *sname = hsmsim_reply_get(r, "sname");
	const char *jobid = hsmsim_reply_get(r, "jobid");
	if (hsmsim_reply_u64(r, "index", &index) || hsmsim_reply_u64(r, "type", &type) ||
	    hsmsim_reply_u64(r, "flags", &flags) || hsmsim_reply_u64(r, "time", &time_ns) ||
	    hsmsim_reply_fid(r, "tfid", &tfid) || hsmsim_reply_fid(r, "pfid", &pfid))
		return -EPROTO;
	bool rename = hsmsim_reply_fid(r, "sfid", &sfid) == 0 && hsmsim_reply_fid(r, "spfid", &spfid) == 0;
	if (hsmsim_reply_u64(r, "extra_flags", &extra) != 0)
		extra = 0;
	/* a rename's name is "new\0old", as Lustre appends the source name after the target's NUL */
	size_t namelen = name != NULL ? strlen(name) : 0;
	size_t snamelen = rename && sname != NULL ? strlen(sname) : 0;
	if (snamelen > 0)
		namelen += 1 + snamelen;
	if (namelen > 0xffff)
		return -EPROTO;
	__u16 cr_flags = (__u16)((flags & CLF_FLAGMASK) | CLF_VERSION);
	size_t size = sizeof(struct changelog_rec);
	if (rename) {
		cr_flags |= CLF_RENAME;
		size += sizeof(struct changelog_ext_rename);
	}
	if (cp->flags & CHANGELOG_FLAG_JOBID) {
		cr_flags |= CLF_JOBID;
		size += sizeof(struct changelog_ext_jobid);
	}
	if (cp->flags & CHANGELOG_FLAG_EXTRA_FLAGS) {
		cr_flags |= CLF_EXTRA_FLAGS;
		size += sizeof(struct changelog_ext_extra_flags);
	}
	char *buf = calloc(1, size + namelen + 1);
	if (buf == NULL)
		return -ENOMEM;
	struct changelog_rec *rec = (struct changelog_rec *)buf;
	rec->cr_namelen = (__u16)namelen;
	rec->cr_flags = cr_flags;
	rec->cr_type = (__u32)type;
	rec->cr_index = index;
	rec->cr_prev = 0;
	rec->cr_time = time_ns;
	rec->cr_tfid = tfid;
	rec->cr_pfid = pfid;
	char *ext = buf + sizeof(*rec);
	if (rename) {
		struct changelog_ext_rename *rn = (struct changelog_ext_rename *)ext;
		rn->cr_sfid = sfid;
		rn->cr_spfid = spfid;
		ext += sizeof(*rn);
	}
	if (cp->flags & CHANGELOG_FLAG_JOBID) {
		struct changelog_ext_jobid *j = (struct changelog_ext_jobid *)ext;
		if (jobid != NULL)
			snprintf(j->cr_jobid, sizeof(j->cr_jobid), "%s", jobid);
		ext += sizeof(*j);
	}
	if (cp->flags & CHANGELOG_FLAG_EXTRA_FLAGS) {
		struct changelog_ext_extra_flags *x = (struct changelog_ext_extra_flags *)ext;
		x->cr_extra_flags = extra;
		ext += sizeof(*x);
	}
	if (name != NULL)
		memcpy(ext, name, strlen(name));
	if (snamelen > 0)
		memcpy(ext + strlen(name != NULL ? name : "") + 1, sname, snamelen);
	*out = rec;
	return 0;
}

/* 0 and a record, 1 at the end of the log (when not following), or -errno. */
HSMSIM_EXPORT int llapi_changelog_recv(void *priv, struct changelog_rec **rech)
{
	struct changelog_private *cp = priv;
	if (cp == NULL || cp->magic != CL_MAGIC || rech == NULL)
		return -EINVAL;
	char *line = NULL;
	int rc = hsmsim_read_line(cp->sock, &line);
	if (rc != 0)
		return rc;
	struct hsmsim_reply r;
	rc = hsmsim_reply_parse(line, &r);
	if (rc != 0)
		return rc;
	if (strcmp(r.verb, "EOF") == 0)
		rc = 1;
	else if (strcmp(r.verb, "REC") == 0)
		rc = build_rec(cp, &r, rech);
	else
		rc = strcmp(r.verb, "ERR") == 0 ? hsmsim_reply_errno(&r) : -EPROTO;
	hsmsim_reply_free(&r);
	return rc;
}

HSMSIM_EXPORT int llapi_changelog_free(struct changelog_rec **rech)
{
	if (rech == NULL)
		return -EINVAL;
	free(*rech);
	*rech = NULL;
	return 0;
}

HSMSIM_EXPORT int llapi_changelog_clear(const char *mdtname, const char *idstr, long long endrec)
{
	struct hsmsim_cluster c;
	struct hsmsim_reply r;
	if (mdtname == NULL || idstr == NULL || endrec < 0)
		return -EINVAL;
	int rc = hsmsim_cluster_of_fsname(mdtname, &c);
	if (rc != 0)
		return rc;
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "CHANGELOG_CLEAR");
	hsmsim_msg_str(&m, "mdt", mdtname);
	hsmsim_msg_str(&m, "id", idstr);
	hsmsim_msg_i64(&m, "endrec", endrec);
	rc = hsmsim_call(&c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc == 0)
		hsmsim_reply_free(&r);
	return rc;
}

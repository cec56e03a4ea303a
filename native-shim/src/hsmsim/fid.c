/*
 * FIDs as text and FIDs to paths (lustre/utils/liblustreapi_fid.c): llapi_fid_parse, llapi_fid2path_at (the
 * OBD_IOC_FID2PATH ioctl on an fd of the mount, answered here by the daemon) and llapi_fid2path, which liblustreapi
 * builds from the other two.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/lustre/lustre_idl.h>

#include "hsmsim_internal.h"

/*
 * Parses "[seq:oid:ver]" (brackets optional, leading blanks skipped, each number in C notation: 0x.. hex, 0.. octal,
 * else decimal), as liblustreapi_fid.c:80-148 llapi_fid_parse: *endptr gets the first character after the FID (after
 * its closing bracket), so a caller can parse "FID1 FID2" lines. Only the format is checked, not whether the FID
 * exists. -EINVAL when a ':' does not follow the first two fields (an empty field reads as 0, as strtoull has it); a
 * field too large for its member gives -ERANGE once the whole FID is read (the member is left unset). errno is set to
 * the result as well.
 */
HSMSIM_EXPORT int llapi_fid_parse(const char *fidstr, struct lu_fid *fid, char **endptr)
{
	char *end = (char *)fidstr;
	const char *p = fidstr;
	bool bracket = false;
	int rc = 0;

	if (fidstr == NULL || fid == NULL) {
		rc = -EINVAL;
		goto out;
	}
	while (isspace((unsigned char)*p))
		p++;
	while (*p == '[') {
		bracket = true;
		p++;
	}
	/* three fields: seq (64 bits) ':' oid (32) ':' ver (32) */
	for (int field = 0; field < 3; field++) {
		errno = 0;
		unsigned long long val = strtoull(p, &end, 0);
		if ((val == 0 && errno == EINVAL) || (field < 2 && *end != ':')) {
			rc = -EINVAL;
			goto out;
		}
		if (field == 0) {
			if (val >= UINT64_MAX)
				rc = -ERANGE;
			else
				fid->f_seq = val;
		} else if (val > UINT32_MAX) {
			rc = -ERANGE;
		} else if (field == 1) {
			fid->f_oid = (__u32)val;
		} else {
			fid->f_ver = (__u32)val;
		}
		if (field < 2)
			p = end + 1;
	}
	if (bracket && *end == ']')
		end++;
out:
	if (endptr != NULL)
		*endptr = end;
	errno = -rc;
	return rc;
}

/*
 * The path of fid relative to the mount (no leading '/'; "/" for the root), as the MDT answers OBD_IOC_FID2PATH:
 * -EOVERFLOW when it does not fit path_size (mdt_handler.c mdt_path_current), -ENOENT for a FID that no longer
 * names anything, and on to the next hard link with *linkno.
 */
static int fid2path_of(const struct hsmsim_cluster *c, const struct lu_fid *fid, char *path, int path_size,
		       long long *recno, int *linkno)
{
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "FID2PATH");
	hsmsim_msg_fid(&m, "fid", fid);
	hsmsim_msg_i64(&m, "linkno", linkno != NULL ? *linkno : 0);
	int rc = hsmsim_call(c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc != 0)
		return rc;
	const char *p = hsmsim_reply_get(&r, "path");
	unsigned long long ln = 0;
	hsmsim_reply_u64(&r, "linkno", &ln);
	if (p == NULL) {
		rc = -EPROTO;
	} else if ((int)strlen(p) >= path_size) {
		rc = -EOVERFLOW;
	} else {
		/* liblustreapi_fid.c:39-64 copy_strip_dne_path: "//" (a DNE striped directory) becomes "/", and the
		 * root's empty path "/" */
		char *out = path;
		for (const char *in = p; *in != '\0'; in++)
			if (!(in[0] == '/' && in[1] == '/'))
				*out++ = *in;
		*out = '\0';
		if (path[0] == '\0')
			strcpy(path, "/");
		if (linkno != NULL)
			*linkno = (int)ln;
		if (recno != NULL && *recno < 0)
			*recno = 0;
	}
	hsmsim_reply_free(&r);
	return rc;
}

/* llapi_fid2path_at (liblustreapi_fid.c:159-198): the ioctl on mnt_fd, ENOTTY when mnt_fd is not on Lustre. */
HSMSIM_EXPORT int llapi_fid2path_at(int mnt_fd, const struct lu_fid *fid, char *path_buf, int path_buf_size,
				    long long *recno, int *linkno)
{
	struct hsmsim_cluster c;
	if (fid == NULL || path_buf == NULL)
		return -EINVAL; /* liblustreapi would fault */
	int rc = hsmsim_cluster_of_fd(mnt_fd, &c);
	if (rc == -EBADF)
		return rc;
	if (rc != 0)
		return -ENOTTY;
	return fid2path_of(&c, fid, path_buf, path_buf_size, recno, linkno);
}

/*
 * llapi_fid2path (liblustreapi_fid.c:200-228): parses fidstr with llapi_fid_parse (a bad one is reported as
 * liblustreapi words it), finds the file system from a path on it or its name ("lustre", "lustre-MDT0000"), then
 * as llapi_fid2path_at.
 */
HSMSIM_EXPORT int llapi_fid2path(const char *device, const char *fidstr, char *path, int pathlen, long long *recno,
				 int *linkno)
{
	struct hsmsim_cluster c;
	struct lu_fid fid;
	if (device == NULL || *device == '\0' || path == NULL)
		return -EINVAL;
	int rc = llapi_fid_parse(fidstr, &fid, NULL);
	if (rc < 0) {
		llapi_err_noerrno(LLAPI_MSG_ERROR, "bad FID format '%s', should be [seq:oid:ver] (e.g. " DFID ")\n",
				  fidstr != NULL ? fidstr : "(null)", (unsigned long long)FID_SEQ_NORMAL, 2, 0);
		return rc;
	}
	rc = device[0] == '/' ? hsmsim_cluster_of_path(device, &c, NULL, 0) : hsmsim_cluster_of_fsname(device, &c);
	if (rc != 0)
		return rc;
	return fid2path_of(&c, &fid, path, pathlen, recno, linkno);
}

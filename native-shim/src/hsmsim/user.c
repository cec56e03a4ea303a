/* The user half of liblustreapi: HSM state and requests, FIDs of paths and fds, data versions, import. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "hsmsim_internal.h"

static int call_and_free(const struct hsmsim_cluster *c, struct hsmsim_msg *m, struct hsmsim_reply *out)
{
	struct hsmsim_reply r;
	int rc = hsmsim_call(c, m, out != NULL ? out : &r);
	hsmsim_msg_free(m);
	if (rc == 0 && out == NULL)
		hsmsim_reply_free(&r);
	return rc;
}

/*
 * The FID a name under .lustre/fid/ gives, when it is one FID and nothing else ("[0x..:0x..:0x..]", brackets
 * optional): such a name means exactly that object (llite's .lustre/fid lookup), so nothing need be read to know it.
 */
static int fid_of_fid_name(const char *name, struct lu_fid *fid)
{
	unsigned long long seq;
	unsigned int oid, ver;
	int end = -1;
	if (strchr(name, '/') != NULL)
		return -EINVAL;
	if (name[0] == '[') {
		if (sscanf(name, "[%llx:%x:%x]%n", &seq, &oid, &ver, &end) != 3)
			return -EINVAL;
	} else if (sscanf(name, "%llx:%x:%x%n", &seq, &oid, &ver, &end) != 3) {
		return -EINVAL;
	}
	if (end < 0 || name[end] != '\0')
		return -EINVAL;
	fid->f_seq = seq;
	fid->f_oid = oid;
	fid->f_ver = ver;
	return 0;
}

/*
 * The FID of a path on a simulated mount: trusted.lma through the mount (root), else asked of the daemon. A path
 * that names .lustre/fid/<FID> itself gives that FID once its lookup succeeded, without the getxattr (the jobs poll
 * each requested file's HSM state so).
 *
 * The path is looked up once, by an O_PATH open (no FUSE OPEN: only the lookups of its components, what llite's
 * open by path costs liblustreapi's one ioctl on Lustre), and the file is then named by /proc/self/fd: the kernel's
 * canonical path picks the cluster, and the xattr is read on the inode the lookup found. Before, realpath(3) lstat'ed
 * every component and getxattr(2) walked the path again: 8 FUSE requests for a file one directory down, now 4. A path
 * that cannot be opened so takes the old way, which gives every error as it always did. With nofollow (llapi_path2fid)
 * a symlink at the end of the path is not followed: its own FID.
 */
static int fid_of_path_at(const char *path, int nofollow, struct lu_fid *fid, struct hsmsim_cluster *c)
{
	char rel[PATH_MAX];
	unsigned char lma[64];
	ssize_t n;
	int fd = open(path, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	char link[64], canonical[PATH_MAX];
	ssize_t len = -1;
	if (fd >= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, canonical, sizeof(canonical) - 1);
	}
	if (len > 0 && canonical[0] == '/') {
		canonical[len] = '\0';
		int rc = hsmsim_cluster_of_canonical(canonical, c, rel, sizeof(rel));
		if (rc != 0) {
			close(fd);
			return rc;
		}
		if (strncmp(rel, ".lustre/fid/", 12) == 0 && fid_of_fid_name(rel + 12, fid) == 0) {
			close(fd);
			return 0;
		}
		n = getxattr(link, "trusted.lma", lma, sizeof(lma));
		int saved = errno;
		close(fd);
		errno = saved;
	} else {
		if (fd >= 0)
			close(fd);
		int rc = hsmsim_cluster_of_path(path, c, rel, sizeof(rel));
		if (rc != 0)
			return rc;
		n = nofollow ? lgetxattr(path, "trusted.lma", lma, sizeof(lma))
			     : getxattr(path, "trusted.lma", lma, sizeof(lma));
	}
	if (n >= 24) {
		memcpy(fid, lma + 8, sizeof(*fid));
		return 0;
	}
	if (n < 0 && errno == ENOENT)
		return -ENOENT;
	if (strncmp(rel, ".lustre/fid/", 12) == 0)
		return hsmsim_fid_parse(rel + 12, fid);
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "PATH2FID");
	hsmsim_msg_str(&m, "path", rel);
	int rc = call_and_free(c, &m, &r);
	if (rc != 0)
		return rc;
	rc = hsmsim_reply_fid(&r, "fid", fid);
	hsmsim_reply_free(&r);
	return rc;
}

/* The FID of what path names, a symlink at its end followed: every call that opens its path to act on the file. */
static int fid_of_path(const char *path, struct lu_fid *fid, struct hsmsim_cluster *c)
{
	return fid_of_path_at(path, 0, fid, c);
}

/*
 * The FID and cluster of an open fd: trusted.lma (root, or a backing-store fd), else, for a non-root caller's fd on
 * the mount, the daemon asked by the path the fd was opened at.
 */
static int fid_of_fd(int fd, struct lu_fid *fid, struct hsmsim_cluster *c)
{
	int rc = hsmsim_cluster_of_fd(fd, c);
	if (rc != 0)
		return rc;
	rc = hsmsim_fid_of_fd(fd, fid);
	if (rc == 0 || c->mnt[0] == '\0')
		return rc;
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return -errno;
	path[n] = '\0';
	return fid_of_path(path, fid, c);
}

/*
 * As liblustreapi's: the path opened O_PATH | O_NOFOLLOW, so a symlink at its end gives its own FID (every inode has
 * one), not its target's; and a /proc/self/fd/N link names that proc link itself, which is on no Lustre mount.
 */
HSMSIM_EXPORT int llapi_path2fid(const char *path, struct lu_fid *fid)
{
	struct hsmsim_cluster c;
	if (path == NULL || fid == NULL)
		return -EINVAL;
	return fid_of_path_at(path, 1, fid, &c);
}

HSMSIM_EXPORT int llapi_fd2fid(int fd, struct lu_fid *fid)
{
	struct hsmsim_cluster c;
	if (fid == NULL)
		return -EINVAL;
	return fid_of_fd(fd, fid, &c);
}

/* ------------------------------------------------------------------ HSM state */

static int state_get(const struct hsmsim_cluster *c, const struct lu_fid *fid, struct hsm_user_state *hus)
{
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "STATE_GET");
	hsmsim_msg_fid(&m, "fid", fid);
	int rc = call_and_free(c, &m, &r);
	if (rc != 0)
		return rc;
	unsigned long long states, archive_id, ip_state, ip_action, offset, length;
	if (hsmsim_reply_u64(&r, "states", &states) || hsmsim_reply_u64(&r, "archive_id", &archive_id) ||
	    hsmsim_reply_u64(&r, "ip_state", &ip_state) || hsmsim_reply_u64(&r, "ip_action", &ip_action) ||
	    hsmsim_reply_u64(&r, "offset", &offset) || hsmsim_reply_u64(&r, "length", &length)) {
		rc = -EPROTO;
	} else {
		memset(hus, 0, sizeof(*hus));
		hus->hus_states = (__u32)states;
		hus->hus_archive_id = (__u32)archive_id;
		hus->hus_in_progress_state = (__u32)ip_state;
		hus->hus_in_progress_action = (__u32)ip_action;
		hus->hus_in_progress_location.offset = offset;
		hus->hus_in_progress_location.length = length;
	}
	hsmsim_reply_free(&r);
	return rc;
}

/* A NULL result buffer reaches the ioctl, whose copy_to_user fails: EFAULT, after the file was found
 * (llapi_hsm_test test50, test52). */
HSMSIM_EXPORT int llapi_hsm_state_get(const char *path, struct hsm_user_state *hus)
{
	struct hsmsim_cluster c;
	struct lu_fid fid;
	if (path == NULL)
		return -EINVAL;
	int rc = fid_of_path(path, &fid, &c);
	return rc != 0 ? rc : hus == NULL ? -EFAULT : state_get(&c, &fid, hus);
}

HSMSIM_EXPORT int llapi_hsm_state_get_fd(int fd, struct hsm_user_state *hus)
{
	struct hsmsim_cluster c;
	struct lu_fid fid;
	int rc = fid_of_fd(fd, &fid, &c);
	return rc != 0 ? rc : hus == NULL ? -EFAULT : state_get(&c, &fid, hus);
}

static int state_set(const struct hsmsim_cluster *c, const struct lu_fid *fid, __u64 setmask, __u64 clearmask,
		     __u32 archive_id)
{
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "STATE_SET");
	hsmsim_msg_fid(&m, "fid", fid);
	hsmsim_msg_u64(&m, "set", setmask);
	hsmsim_msg_u64(&m, "clear", clearmask);
	hsmsim_msg_u64(&m, "archive_id", archive_id);
	return call_and_free(c, &m, NULL);
}

HSMSIM_EXPORT int llapi_hsm_state_set(const char *path, __u64 setmask, __u64 clearmask, __u32 archive_id)
{
	struct hsmsim_cluster c;
	struct lu_fid fid;
	if (path == NULL)
		return -EINVAL;
	int rc = fid_of_path(path, &fid, &c);
	return rc != 0 ? rc : state_set(&c, &fid, setmask, clearmask, archive_id);
}

HSMSIM_EXPORT int llapi_hsm_state_set_fd(int fd, __u64 setmask, __u64 clearmask, __u32 archive_id)
{
	struct hsmsim_cluster c;
	struct lu_fid fid;
	int rc = fid_of_fd(fd, &fid, &c);
	return rc != 0 ? rc : state_set(&c, &fid, setmask, clearmask, archive_id);
}

HSMSIM_EXPORT int llapi_hsm_current_action(const char *path, struct hsm_current_action *hca)
{
	struct hsmsim_cluster c;
	struct lu_fid fid;
	if (path == NULL)
		return -EINVAL;
	int rc = fid_of_path(path, &fid, &c);
	if (rc != 0)
		return rc;
	if (hca == NULL)
		return -EFAULT;
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "CURRENT_ACTION");
	hsmsim_msg_fid(&m, "fid", &fid);
	rc = call_and_free(&c, &m, &r);
	if (rc != 0)
		return rc;
	unsigned long long state, action, offset, length;
	if (hsmsim_reply_u64(&r, "state", &state) || hsmsim_reply_u64(&r, "action", &action) ||
	    hsmsim_reply_u64(&r, "offset", &offset) || hsmsim_reply_u64(&r, "length", &length)) {
		rc = -EPROTO;
	} else {
		hca->hca_state = (__u32)state;
		hca->hca_action = (__u32)action;
		hca->hca_location.offset = offset;
		hca->hca_location.length = length;
	}
	hsmsim_reply_free(&r);
	return rc;
}

/* ------------------------------------------------------------------ requests */

/* MDS_MAXREQSIZE (lustre/include/lustre_net.h): the largest request an MDS takes in one RPC */
#define HSMSIM_MDS_MAXREQSIZE (5 * 1024)

HSMSIM_EXPORT struct hsm_user_request *llapi_hsm_user_request_alloc(int itemcount, int data_len)
{
	if (itemcount < 0 || data_len < 0)
		return NULL;
	size_t len = sizeof(struct hsm_user_request) + (size_t)itemcount * sizeof(struct hsm_user_item) +
		     (size_t)data_len;
	return calloc(1, len);
}

HSMSIM_EXPORT int llapi_hsm_request(const char *path, const struct hsm_user_request *request)
{
	struct hsmsim_cluster c;
	if (path == NULL || request == NULL)
		return -EINVAL;
	struct hsm_request req;
	memcpy(&req, &request->hur_request, sizeof(req));
	/* llite refuses what the MDS could not take in one RPC (lustre/llite/dir.c, LL_IOC_HSM_REQUEST):
	 * hur_len >= MDS_MAXREQSIZE / 3, i.e. 1706 bytes, 52 items without data */
	size_t total = offsetof(struct hsm_user_request, hur_user_item) +
		       (size_t)req.hr_itemcount * sizeof(struct hsm_user_item) + req.hr_data_len;
	if (total >= HSMSIM_MDS_MAXREQSIZE / 3)
		return -E2BIG;
	int rc = hsmsim_cluster_of_path(path, &c, NULL, 0);
	if (rc != 0)
		return rc;
	const struct hsm_request *hr = &req;
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "REQUEST");
	hsmsim_msg_u64(&m, "action", hr->hr_action);
	hsmsim_msg_u64(&m, "archive_id", hr->hr_archive_id);
	hsmsim_msg_u64(&m, "flags", hr->hr_flags);
	for (__u32 i = 0; i < hr->hr_itemcount; i++) {
		struct hsm_user_item it;
		memcpy(&it, &request->hur_user_item[i], sizeof(it));
		char item[128];
		snprintf(item, sizeof(item), DFID_NOBRACE ",%llu,%llu", PFID(&it.hui_fid),
			 (unsigned long long)it.hui_extent.offset, (unsigned long long)it.hui_extent.length);
		hsmsim_msg_str(&m, "item", item);
	}
	hsmsim_msg_hex(&m, "data", hur_data((struct hsm_user_request *)request), hr->hr_data_len);
	return call_and_free(&c, &m, NULL);
}

/* ------------------------------------------------------------------ data versions */

/*
 * As liblustreapi_swap.c does: the ioctl on the open file, which the mount answers (a FUSE_IOCTL, one request, where a
 * getxattr of the FID and a daemon round trip were two). Any fd the mount does not serve fails as on Lustre (ENOTTY).
 */
HSMSIM_EXPORT int llapi_get_data_version(int fd, __u64 *data_version, __u64 flags)
{
	struct ioc_data_version idv = { .idv_flags = (__u32)flags };
	if (data_version == NULL)
		return -EFAULT;
	if (ioctl(fd, LL_IOC_DATA_VERSION, &idv) != 0)
		return -errno;
	*data_version = idv.idv_version;
	return 0;
}

HSMSIM_EXPORT int llapi_hsm_data_version_set(int fd, __u64 data_version)
{
	struct hsmsim_cluster c;
	struct lu_fid fid;
	int rc = fid_of_fd(fd, &fid, &c);
	if (rc != 0)
		return rc;
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "DATA_VERSION_SET");
	hsmsim_msg_fid(&m, "fid", &fid);
	hsmsim_msg_u64(&m, "dv", data_version);
	return call_and_free(&c, &m, NULL);
}

/* ------------------------------------------------------------------ import */

/*
 * As Lustre does (lustre/utils/liblustreapi_hsm.c:1434-1497 with llapi_file_open_pool, liblustreapi.c:510-597):
 * dst is opened through the mount with O_CREAT|O_WRONLY and NO O_EXCL, so a symlink in the way is followed (a dangling
 * one gets the stub created at its target) and an existing directory is reopened O_DIRECTORY. Setting the released
 * layout fails with EEXIST on a file that already has one (every existing regular file here: files get their layout
 * when created). On a directory the stripe is set as its default (not simulated) and the import ioctl fails with
 * ENOTTY (llite/dir.c:2943-2947 ll_dir_ioctl -> lov_iocontrol -> osc_iocontrol); after a failed ioctl the library
 * unlinks dst (which fails for a directory, and removes a followed symlink rather than its target). A symlink that
 * leads off Lustre leaves the created file there and fails like the setstripe ioctl on another file system (ENOTTY).
 */
/* llapi_hsm_import reports a failed open or setstripe as the create's (liblustreapi_hsm.c, "cannot create '%s' for
 * import") and gives its errno back. */
static int import_create_failed(const char *dst, int rc)
{
	llapi_error(LLAPI_MSG_ERROR, rc, "cannot create '%s' for import", dst);
	return rc;
}

HSMSIM_EXPORT int llapi_hsm_import(const char *dst, int archive, const struct stat *st, unsigned long long stripe_size,
				   int stripe_offset, int stripe_count, enum lov_pattern stripe_pattern, char *pool_name,
				   struct lu_fid *newfid)
{
	(void)stripe_size; /* striping is not simulated */
	(void)stripe_offset;
	(void)stripe_count;
	(void)stripe_pattern;
	if (dst == NULL || st == NULL)
		return -EINVAL;
	int rc;
	/*
	 * liblustreapi looks for the file system before the open only when a pool is named (liblustreapi.c:483-491,
	 * llapi_search_fsname); without one it opens straight away and learns it is off Lustre from the setstripe ioctl
	 * (ENOTTY, the new file left there: liblustreapi.c:555-567). So does this: resolving dst's directory first would
	 * also cost a lookup of every component through the simulated client on each import.
	 */
	if (pool_name != NULL) {
		struct hsmsim_cluster c;
		char parent[PATH_MAX];
		if (strlen(dst) >= sizeof(parent))
			return -ENAMETOOLONG;
		strcpy(parent, dst);
		rc = hsmsim_cluster_of_path(dirname(parent), &c, NULL, 0);
		if (rc != 0)
			return import_create_failed(dst, rc);
	}
	struct stat before;
	int existed = stat(dst, &before) == 0; /* follows a symlink, as the open does: a dangling one is "not there" */
	int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, st->st_mode & 07777);
	if (fd < 0 && errno == EISDIR)
		fd = open(dst, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return import_create_failed(dst, -errno);
	struct stat now;
	if (fstat(fd, &now) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (S_ISDIR(now.st_mode)) {
		close(fd);
		unlink(dst);
		return import_create_failed(dst, -ENOTTY);
	}
	struct lu_fid fid;
	struct hsmsim_cluster fc;
	rc = fid_of_fd(fd, &fid, &fc);
	if (rc != 0 || fc.mnt[0] == '\0') {
		close(fd); /* opened off Lustre through a symlink: the setstripe ioctl fails there, a new file stays */
		return import_create_failed(dst, -ENOTTY);
	}
	if (existed) {
		close(fd); /* the setstripe ioctl: "stripe already set"; dst is left as it was */
		return import_create_failed(dst, -EEXIST);
	}
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "IMPORT");
	hsmsim_msg_fid(&m, "fid", &fid);
	hsmsim_msg_u64(&m, "archive_id", (unsigned int)archive);
	hsmsim_msg_u64(&m, "size", (unsigned long long)st->st_size);
	hsmsim_msg_u64(&m, "mode", st->st_mode);
	hsmsim_msg_u64(&m, "uid", st->st_uid);
	hsmsim_msg_u64(&m, "gid", st->st_gid);
	hsmsim_msg_u64(&m, "atime", (unsigned long long)st->st_atim.tv_sec * 1000000000ULL + st->st_atim.tv_nsec);
	hsmsim_msg_u64(&m, "mtime", (unsigned long long)st->st_mtim.tv_sec * 1000000000ULL + st->st_mtim.tv_nsec);
	rc = call_and_free(&fc, &m, &r);
	if (rc == 0)
		hsmsim_reply_free(&r);
	close(fd);
	if (rc != 0) {
		llapi_error(LLAPI_MSG_ERROR, rc, "cannot import '%s'", dst); /* liblustreapi_hsm.c, the import ioctl */
		unlink(dst);
		return rc;
	}
	if (newfid != NULL)
		*newfid = fid;
	return 0;
}

/*
 * Finding the simulated file system from what a liblustreapi caller has: a path (a FUSE mount of type fuse.lustre
 * whose source is "hsmsim@<socket>:/<fsname>"), an fd (through the mount, or on the daemon's backing store, which
 * lies under the cluster root next to run/coordinator.sock), or an fsname.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "hsmsim_internal.h"

#define SOURCE_PREFIX "hsmsim@"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;
	for (char *in = s; *in; in++) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '7' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
		    in[3] <= '7') {
			*out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 3;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

/* Splits "hsmsim@/abs/run/coordinator.sock:/lustre". */
static int parse_source(const char *source, struct hsmsim_cluster *c)
{
	if (strncmp(source, SOURCE_PREFIX, strlen(SOURCE_PREFIX)) != 0)
		return -ENOENT;
	const char *sock = source + strlen(SOURCE_PREFIX);
	const char *sep = strstr(sock, ":/");
	if (sep == NULL)
		return -ENOENT;
	const char *next;
	while ((next = strstr(sep + 1, ":/")) != NULL)
		sep = next;
	size_t n = (size_t)(sep - sock);
	if (n >= sizeof(c->socket) || strlen(sep + 2) >= sizeof(c->fsname))
		return -ENAMETOOLONG;
	memcpy(c->socket, sock, n);
	c->socket[n] = '\0';
	strcpy(c->fsname, sep + 2);
	return 0;
}

typedef hsmsim_mount_visitor mount_visitor;

/*
 * The simulated client mounts as last read from /proc/self/mountinfo. Reading and parsing that file on every call
 * cost a copytool more CPU per small file than the rest of its llapi calls together, where a real liblustreapi asks
 * the kernel with one ioctl on an fd it already has. The kernel flags the open file POLLPRI whenever the mount table
 * changes, so the snapshot is read again exactly when a mount or unmount happened since.
 */
struct mount_entry {
	char mountpoint[PATH_MAX];
	struct hsmsim_cluster c;
};

static pthread_mutex_t mounts_lock = PTHREAD_MUTEX_INITIALIZER;
static int mounts_fd = -1;
static struct mount_entry *mounts;
static int mounts_count;

/* Adds the simulated mount a mountinfo line describes, if it is one. */
static int parse_line(char *line, struct mount_entry **list, int *count, int *cap)
{
	char *sep = strstr(line, " - ");
	if (sep == NULL)
		return 0;
	*sep = '\0';
	char *save = NULL, *field, *mountpoint = NULL;
	int i = 0;
	for (field = strtok_r(line, " ", &save); field != NULL; field = strtok_r(NULL, " ", &save), i++)
		if (i == 4)
			mountpoint = field;
	char *fstype = strtok_r(sep + 3, " ", &save);
	char *source = strtok_r(NULL, " ", &save);
	if (mountpoint == NULL || fstype == NULL || source == NULL || strcmp(fstype, "fuse.lustre") != 0)
		return 0;
	unescape(mountpoint);
	unescape(source);
	struct hsmsim_cluster c;
	memset(&c, 0, sizeof(c));
	if (parse_source(source, &c) != 0 || strlen(mountpoint) >= sizeof(c.mnt))
		return 0;
	strcpy(c.mnt, mountpoint);
	if (*count == *cap) {
		int grown = *cap == 0 ? 4 : *cap * 2;
		struct mount_entry *bigger = realloc(*list, (size_t)grown * sizeof(**list));
		if (bigger == NULL)
			return -ENOMEM;
		*list = bigger;
		*cap = grown;
	}
	strcpy((*list)[*count].mountpoint, mountpoint);
	(*list)[*count].c = c;
	(*count)++;
	return 0;
}

/* Reads the mount table again into the snapshot. Called with mounts_lock held. */
static int reload_mounts(void)
{
	if (mounts_fd < 0) {
		mounts_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		if (mounts_fd < 0)
			return -errno;
	}
	size_t cap = 1 << 16, len = 0;
	char *text = malloc(cap);
	if (text == NULL)
		return -ENOMEM;
	if (lseek(mounts_fd, 0, SEEK_SET) < 0) {
		int err = errno; /* free() may change errno */
		free(text);
		return -err;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *bigger = realloc(text, cap * 2);
			if (bigger == NULL) {
				free(text);
				return -ENOMEM;
			}
			text = bigger;
			cap *= 2;
		}
		ssize_t n = read(mounts_fd, text + len, cap - len - 1);
		if (n < 0) {
			int err = errno;
			if (err == EINTR)
				continue;
			free(text);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	struct mount_entry *list = NULL;
	int count = 0, list_cap = 0, rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); rc == 0 && line != NULL; line = strtok_r(NULL, "\n", &save))
		rc = parse_line(line, &list, &count, &list_cap);
	free(text);
	if (rc != 0) {
		free(list);
		return rc;
	}
	free(mounts);
	mounts = list;
	mounts_count = count;
	return 0;
}

/* Whether the mount table changed since the snapshot (or there is none yet). Called with mounts_lock held. */
static int mounts_stale(void)
{
	if (mounts_fd < 0)
		return 1;
	struct pollfd p = { .fd = mounts_fd, .events = POLLPRI };
	return poll(&p, 1, 0) != 0; /* an event, or a failed poll: read again rather than trust the snapshot */
}

/* Calls visit for every simulated client mount of this process's mount namespace; stops when it returns != 0. */
static int each_mount(mount_visitor visit, void *arg)
{
	pthread_mutex_lock(&mounts_lock);
	int rc = mounts_stale() ? reload_mounts() : 0;
	for (int i = 0; rc == 0 && i < mounts_count; i++)
		rc = visit(mounts[i].mountpoint, &mounts[i].c, arg);
	pthread_mutex_unlock(&mounts_lock);
	return rc < 0 ? rc : 0;
}

int hsmsim_each_mount(hsmsim_mount_visitor visit, void *arg)
{
	return each_mount(visit, arg);
}

struct longest_match {
	const char *path;
	struct hsmsim_cluster best;
	size_t best_len;
	int found;
};

static int path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int visit_longest(const char *mountpoint, const struct hsmsim_cluster *c, void *arg)
{
	struct longest_match *m = arg;
	size_t n = strlen(mountpoint);
	if (path_under(m->path, mountpoint) && (!m->found || n > m->best_len)) {
		m->best = *c;
		m->best_len = n;
		m->found = 1;
	}
	return 0;
}

/* realpath of path, or of its parent plus its last component when path does not exist (yet). */
static int resolve(const char *path, char *out)
{
	if (realpath(path, out) != NULL)
		return 0;
	if (errno != ENOENT)
		return -errno;
	char copy1[PATH_MAX], copy2[PATH_MAX];
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(copy1, path);
	strcpy(copy2, path);
	char *dir = dirname(copy1), *base = basename(copy2);
	char parent[PATH_MAX];
	if (realpath(dir, parent) == NULL)
		return -errno;
	const char *prefix = strcmp(parent, "/") == 0 ? "" : parent;
	if (strlen(prefix) + strlen(base) + 2 > PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(out, prefix);
	strcat(out, "/");
	strcat(out, base);
	return 0;
}

/* The cluster whose mount holds the canonical path resolved (no symlink, "." or ".." in it), and the rest of it. */
static int cluster_of_resolved(const char *resolved, struct hsmsim_cluster *c, char *rel, size_t rel_size)
{
	struct longest_match m = { .path = resolved };
	int rc = each_mount(visit_longest, &m);
	if (rc != 0)
		return rc;
	if (!m.found)
		return -ENOENT; /* not on a (simulated) Lustre file system */
	*c = m.best;
	if (rel != NULL) {
		const char *r = resolved + m.best_len;
		while (*r == '/')
			r++;
		if (strlen(r) >= rel_size)
			return -ENAMETOOLONG;
		strcpy(rel, r);
	}
	return 0;
}

struct exact_match {
	const char *path;
	int found;
};

static int visit_exact(const char *mountpoint, const struct hsmsim_cluster *c, void *arg)
{
	(void)c;
	struct exact_match *m = arg;
	m->found = strcmp(mountpoint, m->path) == 0;
	return m->found;
}

int hsmsim_cluster_of_path(const char *path, struct hsmsim_cluster *c, char *rel, size_t rel_size)
{
	char resolved[PATH_MAX];
	if (path == NULL || *path == '\0')
		return -EINVAL;
	/*
	 * A mount point exactly as the mount table names it is canonical already: realpath would only look up each of its
	 * components again, the last one through the simulated client (a FUSE request), for every call a copytool makes
	 * with its mount's path (llapi_fid2path and the like, which liblustreapi answers with one ioctl on the mount).
	 */
	struct exact_match exact = { .path = path };
	if (strlen(path) < sizeof(resolved) && each_mount(visit_exact, &exact) == 0 && exact.found) {
		strcpy(resolved, path);
	} else {
		int rc = resolve(path, resolved);
		if (rc != 0)
			return rc;
	}
	return cluster_of_resolved(resolved, c, rel, rel_size);
}

int hsmsim_cluster_of_canonical(const char *canonical, struct hsmsim_cluster *c, char *rel, size_t rel_size)
{
	return cluster_of_resolved(canonical, c, rel, rel_size);
}

int hsmsim_cluster_of_fd(int fd, struct hsmsim_cluster *c)
{
	char link[64], path[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return errno == ENOENT ? -EBADF : -errno;
	path[n] = '\0';
	/*
	 * The kernel gives the fd's path canonical (d_path): no realpath, which would look each component up again, those
	 * on the mount through the simulated client, where liblustreapi asks llite with one ioctl on the fd.
	 */
	if (path[0] == '/' && cluster_of_resolved(path, c, NULL, 0) == 0)
		return 0;
	/* An fd libhsmsim opened on the backing store: the cluster root is an ancestor holding the socket. */
	memset(c, 0, sizeof(*c));
	char dir[PATH_MAX];
	strcpy(dir, path);
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			return -ENOENT;
		*slash = '\0';
		char sock[PATH_MAX];
		struct stat st;
		if (snprintf(sock, sizeof(sock), "%s/%s", dir, HSMSIM_SOCKET_REL) < (int)sizeof(sock) &&
		    stat(sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
			strcpy(c->socket, sock);
			return 0;
		}
		if (dir[0] == '\0')
			return -ENOENT;
	}
}

struct by_name {
	const char *name;
	struct hsmsim_cluster found;
	int ok;
};

static int visit_name(const char *mountpoint, const struct hsmsim_cluster *c, void *arg)
{
	(void)mountpoint;
	struct by_name *b = arg;
	size_t n = strlen(c->fsname);
	/* "lustre" or an MDT/device name "lustre-MDT0000" */
	if (strncmp(b->name, c->fsname, n) == 0 && (b->name[n] == '\0' || b->name[n] == '-')) {
		b->found = *c;
		b->ok = 1;
		return 1;
	}
	return 0;
}

int hsmsim_cluster_of_fsname(const char *name, struct hsmsim_cluster *c)
{
	struct by_name b = { .name = name };
	int rc = each_mount(visit_name, &b);
	if (rc != 0)
		return rc;
	if (!b.ok)
		return -ENODEV;
	*c = b.found;
	return 0;
}

int hsmsim_fid_parse(const char *text, struct lu_fid *fid)
{
	unsigned long long seq;
	unsigned int oid, ver;
	char tail;
	const char *p = text;
	while (*p == ' ')
		p++;
	if (*p == '[')
		p++;
	if (sscanf(p, "%llx:%x:%x%c", &seq, &oid, &ver, &tail) < 3)
		return -EINVAL;
	fid->f_seq = seq;
	fid->f_oid = oid;
	fid->f_ver = ver;
	return 0;
}

int hsmsim_fid_of_fd(int fd, struct lu_fid *fid)
{
	unsigned char lma[64];
	ssize_t n = fgetxattr(fd, "trusted.lma", lma, sizeof(lma));
	if (n < 0 && errno == EBADF) {
		/*
		 * An O_PATH descriptor allows no fgetxattr; liblustreapi's llapi_fd2fid asks name_to_handle_at(fd, "",
		 * AT_EMPTY_PATH), which takes one, without a lookup. Through the descriptor's /proc/self/fd link (a
		 * "magic link" to the held file itself) the attribute is read without a lookup too.
		 */
		char link[64];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = getxattr(link, "trusted.lma", lma, sizeof(lma));
	}
	if (n < 0)
		return errno == ENODATA || errno == ENOTSUP ? -ENOTTY : -errno;
	if (n < 24)
		return -EPROTO;
	memcpy(fid, lma + 8, sizeof(*fid)); /* lustre_mdt_attrs: u32 compat, u32 incompat, lu_fid self */
	return 0;
}

/* The mount point of the file system named fsname (or an MDT name of it). */
HSMSIM_EXPORT int llapi_search_rootpath(char *pathname, const char *fsname)
{
	struct hsmsim_cluster c;
	if (pathname == NULL || fsname == NULL)
		return -EINVAL;
	int rc = hsmsim_cluster_of_fsname(fsname, &c);
	if (rc != 0)
		return rc;
	strcpy(pathname, c.mnt);
	return 0;
}

/* The daemon's STATUS: how many MDTs (key "mdts") or OSTs ("osts") the file system has. */
static int target_count(const struct hsmsim_cluster *c, const char *key, int *count)
{
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "STATUS");
	int rc = hsmsim_call(c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc != 0)
		return rc;
	unsigned long long n = 1;
	if (hsmsim_reply_u64(&r, key, &n) != 0)
		n = 1;
	hsmsim_reply_free(&r);
	*count = (int)n;
	return 0;
}

/*
 * How many MDTs (is_mdt) or OSTs the client sees: liblustreapi.c llapi_get_obd_count opens mnt as a directory and
 * asks llite (LL_IOC_GETOBDCOUNT, answered from the LMV's or LOV's target count); a directory elsewhere fails that
 * ioctl with ENOTTY.  The simulator's backing store plays every OST: as many as file layouts stripe over.
 */
HSMSIM_EXPORT int llapi_get_obd_count(char *mnt, int *count, int is_mdt)
{
	if (mnt == NULL || count == NULL)
		return -EFAULT;
	int fd = open(mnt, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -errno;
	close(fd);
	struct hsmsim_cluster c;
	if (hsmsim_cluster_of_path(mnt, &c, NULL, 0) != 0)
		return -ENOTTY;
	return target_count(&c, is_mdt ? "mdts" : "osts", count);
}

/*
 * One target's space (liblustreapi.c llapi_obd_statfs: IOC_OBD_STATFS on an fd of path, answered by llite from that
 * target's statfs). Only OSTs (LL_STATFS_LOV) are simulated, from the daemon's OST_STATFS; an index past the last OST
 * gives -ENODEV, where lfs df stops its loop. A path llapi_obd_statfs cannot open gives -ENODEV too, as there.
 */
/* lustre_user.h's sizes, which the copytool reads the buffers by */
_Static_assert(sizeof(struct obd_statfs) == 144, "struct obd_statfs is 144 bytes");
_Static_assert(sizeof(struct obd_uuid) == 40, "struct obd_uuid is 40 bytes");

HSMSIM_EXPORT int llapi_obd_statfs(char *path, __u32 type, __u32 index, struct obd_statfs *stat_buf,
				   struct obd_uuid *uuid_buf)
{
	if (path == NULL || stat_buf == NULL || uuid_buf == NULL)
		return -EFAULT;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -ENODEV;
	close(fd);
	struct hsmsim_cluster c;
	if (hsmsim_cluster_of_path(path, &c, NULL, 0) != 0)
		return -ENOTTY;
	if ((type & ~LL_STATFS_NODELAY) != LL_STATFS_LOV)
		return -EOPNOTSUPP; /* MDTs' statfs is not simulated */
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "OST_STATFS");
	hsmsim_msg_u64(&m, "index", index);
	int rc = hsmsim_call(&c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc != 0)
		return rc;
	unsigned long long bsize = 0, blocks = 0, bfree = 0, bavail = 0;
	const char *uuid = hsmsim_reply_get(&r, "uuid");
	if (hsmsim_reply_u64(&r, "bsize", &bsize) != 0 || hsmsim_reply_u64(&r, "blocks", &blocks) != 0 ||
	    hsmsim_reply_u64(&r, "bfree", &bfree) != 0 || hsmsim_reply_u64(&r, "bavail", &bavail) != 0 ||
	    uuid == NULL) {
		hsmsim_reply_free(&r);
		return -EPROTO;
	}
	memset(stat_buf, 0, sizeof(*stat_buf));
	stat_buf->os_bsize = (__u32)bsize;
	stat_buf->os_blocks = blocks;
	stat_buf->os_bfree = bfree;
	stat_buf->os_bavail = bavail;
	stat_buf->os_namelen = 255;
	memset(uuid_buf, 0, sizeof(*uuid_buf));
	snprintf(uuid_buf->uuid, sizeof(uuid_buf->uuid), "%s", uuid);
	hsmsim_reply_free(&r);
	return 0;
}

/*
 * The members of pool "FSNAME.POOL" (liblustreapi.c llapi_get_poolmembers reads the client's lov pools file of that
 * pool, one OST UUID per line): their UUIDs in buffer, members[i] pointing at each; the count, -EINVAL without a
 * '.', -ENODEV for a file system not mounted here, -ENOENT for a pool it does not have, -EOVERFLOW when list_size or
 * buffer_size is too small.
 */
HSMSIM_EXPORT int llapi_get_poolmembers(const char *poolname, char **members, int list_size, char *buffer,
					int buffer_size)
{
	if (poolname == NULL || members == NULL || buffer == NULL)
		return -EFAULT;
	char fsname[HSMSIM_FSNAME_MAX];
	const char *dot = strchr(poolname, '.');
	if (dot == NULL)
		return -EINVAL;
	if ((size_t)(dot - poolname) >= sizeof(fsname))
		return -EOVERFLOW;
	memcpy(fsname, poolname, (size_t)(dot - poolname));
	fsname[dot - poolname] = '\0';
	struct hsmsim_cluster c;
	int rc = hsmsim_cluster_of_fsname(fsname, &c);
	if (rc != 0)
		return rc;
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "POOL_MEMBERS");
	hsmsim_msg_str(&m, "pool", dot + 1);
	rc = hsmsim_call(&c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc != 0)
		return rc;
	int n = 0;
	int used = 0;
	for (int i = 0; i < r.count; i++) {
		if (strcmp(r.keys[i], "member") != 0)
			continue;
		size_t len = strlen(r.values[i]);
		if (n >= list_size || used + (int)len + 1 > buffer_size) {
			rc = -EOVERFLOW;
			break;
		}
		memcpy(buffer + used, r.values[i], len + 1);
		members[n++] = buffer + used;
		used += (int)len + 1;
	}
	hsmsim_reply_free(&r);
	return rc != 0 ? rc : n;
}

/*
 * The MDT holding fid, found from its sequence (liblustreapi_fid.c: ioctl LL_IOC_FID2MDTIDX on fd, answered by the
 * client's FLD lookup). Returns the index (also in *mdt_index), -ENOTTY for an fd outside the file system, -ENOENT
 * for a sequence no MDT hands out.
 */
HSMSIM_EXPORT int llapi_get_mdt_index_by_fid(int fd, const struct lu_fid *fid, int *mdt_index)
{
	if (fid == NULL)
		return -EFAULT;
	struct hsmsim_cluster c;
	if (hsmsim_cluster_of_fd(fd, &c) != 0)
		return -ENOTTY;
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "FID2MDT");
	struct lu_fid f = *fid;
	hsmsim_msg_fid(&m, "fid", &f);
	int rc = hsmsim_call(&c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc != 0)
		return rc;
	unsigned long long index = 0;
	rc = hsmsim_reply_u64(&r, "mdt", &index);
	hsmsim_reply_free(&r);
	if (rc != 0)
		return -EPROTO;
	if (mdt_index != NULL)
		*mdt_index = (int)index;
	return (int)index;
}

struct distinct {
	struct hsmsim_cluster *out;
	int max;
	int count;
};

static int visit_distinct(const char *mountpoint, const struct hsmsim_cluster *c, void *arg)
{
	(void)mountpoint;
	struct distinct *d = arg;
	for (int i = 0; i < d->count; i++)
		if (strcmp(d->out[i].socket, c->socket) == 0)
			return 0;
	if (d->count < d->max)
		d->out[d->count++] = *c;
	return 0;
}

int hsmsim_clusters(struct hsmsim_cluster *out, int max)
{
	struct distinct d = { .out = out, .max = max };
	int rc = each_mount(visit_distinct, &d);
	return rc < 0 ? rc : d.count;
}

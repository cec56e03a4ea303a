/*
 * Client mount points and file system names (lustre/utils/liblustreapi_root.c): llapi_search_mounts and
 * llapi_search_fsname. liblustreapi walks /proc/mounts for Lustre client mounts (get_root_path_slow, :200-380); here
 * the walk is over the simulated client mounts of the mount table, in its order, with the same matching rules: a
 * mount whose point cannot be stat'ed is skipped (:245), a path matches the first mount point that is a prefix of it
 * at a '/' (:240, :270), a device the mount whose point has that st_dev (:262), an index the index-th Lustre mount
 * (:255). Not found is -ENODEV.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hsmsim_internal.h"

enum search_by { BY_PATH, BY_INDEX, BY_DEV };

struct search {
	enum search_by by;
	const char *path;
	int index;
	dev_t dev;
	int seen; /* Lustre mounts passed so far: the index of the next */
	char mnt[PATH_MAX];
	char fsname[HSMSIM_FSNAME_MAX];
};

static int visit_search(const char *mountpoint, const struct hsmsim_cluster *c, void *arg)
{
	struct search *s = arg;
	int idx = s->seen++;
	size_t n = strlen(mountpoint);
	/* a path that does not begin with this mount point is not looked at further (no stat) */
	if (s->by == BY_PATH && (strlen(s->path) < n || strncmp(mountpoint, s->path, n) != 0))
		return 0;
	struct stat st;
	if (stat(mountpoint, &st) != 0)
		return 0; /* "ignore unaccessible filesystem" */
	int match = 0;
	switch (s->by) {
	case BY_INDEX:
		match = idx == s->index;
		break;
	case BY_DEV:
		match = st.st_dev == s->dev;
		break;
	case BY_PATH:
		match = s->path[n] == '\0' || s->path[n] == '/';
		break;
	}
	if (!match)
		return 0;
	if (n >= sizeof(s->mnt))
		return -ENAMETOOLONG;
	strcpy(s->mnt, mountpoint);
	strcpy(s->fsname, c->fsname);
	return 1;
}

static int search(struct search *s)
{
	s->mnt[0] = '\0';
	int rc = hsmsim_each_mount(visit_search, s);
	if (rc == 0 && s->mnt[0] == '\0')
		rc = -ENODEV;
	return rc;
}

/*
 * The mount point (into mntdir, PATH_MAX bytes) and file system name (into fsname, if not NULL) of the Lustre
 * mount holding pathname, or of the index-th Lustre mount when pathname is NULL or empty (:447-463). The path is
 * matched as a string, not resolved: give it as the mount table spells it. Errors set errno too, and are not
 * reported (no WANT_ERROR).
 */
HSMSIM_EXPORT int llapi_search_mounts(const char *pathname, int index, char *mntdir, char *fsname)
{
	struct search s = { .by = BY_PATH, .path = pathname, .index = index };
	if (mntdir == NULL)
		return -EINVAL;
	if (pathname == NULL || pathname[0] == '\0')
		s.by = BY_INDEX;
	else
		strcpy(mntdir, pathname); /* as liblustreapi: mntdir is also where the path is read from */
	int rc = search(&s);
	if (rc == 0) {
		strcpy(mntdir, s.mnt);
		if (fsname != NULL)
			strcpy(fsname, s.fsname);
	}
	errno = -rc;
	return rc;
}

static int file_dev(const char *path, dev_t *dev)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	*dev = st.st_dev;
	return 0;
}

/*
 * The name of the file system holding pathname, found by its device (:465-497): the file's, or if it cannot be
 * stat'ed its parent directory's (for a symlink, the directory part of its target). A path that resolves nowhere is
 * reported as "cannot resolve path", one on another file system as "'MAJOR/MINOR' dev not on a mounted Lustre
 * filesystem" (-ENODEV).
 */
HSMSIM_EXPORT int llapi_search_fsname(const char *pathname, char *fsname)
{
	dev_t dev = 0;
	if (pathname == NULL || fsname == NULL)
		return -EINVAL;
	int rc = file_dev(pathname, &dev);
	if (rc != 0) {
		char tmp[PATH_MAX];
		ssize_t len = readlink(pathname, tmp, sizeof(tmp) - 1);
		if (len != -1) {
			tmp[len] = '\0';
		} else {
			strncpy(tmp, pathname, sizeof(tmp) - 1);
			tmp[sizeof(tmp) - 1] = '\0';
		}
		rc = file_dev(dirname(tmp), &dev);
	}
	if (rc != 0) {
		llapi_error(LLAPI_MSG_ERROR, rc, "cannot resolve path '%s'", pathname);
		return rc;
	}
	struct search s = { .by = BY_DEV, .dev = dev };
	rc = search(&s);
	if (rc == 0) {
		strcpy(fsname, s.fsname);
	} else if (rc == -ENODEV) {
		llapi_err_noerrno(LLAPI_MSG_ERROR, "'%u/%u' dev not on a mounted Lustre filesystem", major(dev),
				  minor(dev));
	}
	errno = -rc;
	return rc;
}

/*
 * In the spirit of Lustre's llapi_hsm_test.c (sanity-hsm test 500), against a running simulated cluster:
 *   llapi_hsm_test MOUNTPOINT [FSNAME]      (FSNAME defaults to "lustre")
 * The cluster must have no copytool registered: this program registers and plays one itself.
 * Prints one line per failed check and exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lustre/lustreapi.h>

static int failures;
static const char *mnt;
static const char *fsname = "lustre";

#define CHECK(cond, ...)                                                                                          \
	do {                                                                                                      \
		if (!(cond)) {                                                                                    \
			fprintf(stderr, "FAIL %s:%d: %s: ", __func__, __LINE__, #cond);                           \
			fprintf(stderr, __VA_ARGS__);                                                             \
			fprintf(stderr, "\n");                                                                    \
			failures++;                                                                               \
		}                                                                                                 \
	} while (0)

static void make_file(const char *path, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
	char buf[4096];
	memset(buf, 'x', sizeof(buf));
	for (size_t done = 0; done < size;) {
		size_t n = size - done < sizeof(buf) ? size - done : sizeof(buf);
		CHECK(write(fd, buf, n) == (ssize_t)n, "write");
		done += n;
	}
	close(fd);
}

static int request(const char *path, int action, const struct lu_fid *fid)
{
	struct hsm_user_request *hur = llapi_hsm_user_request_alloc(1, 0);
	hur->hur_request.hr_action = (__u32)action;
	hur->hur_request.hr_archive_id = 0;
	hur->hur_request.hr_flags = 0;
	hur->hur_request.hr_itemcount = 1;
	hur->hur_request.hr_data_len = 0;
	struct hsm_user_item item = { .hui_fid = *fid, .hui_extent = { 0, (__u64)-1 } };
	memcpy(&hur->hur_user_item[0], &item, sizeof(item));
	int rc = llapi_hsm_request(path, hur);
	free(hur);
	return rc;
}

/* Waits for one action list on the copytool fd (at most 10 s). */
static struct hsm_action_list *receive(struct hsm_copytool_private *ct)
{
	struct pollfd p = { .fd = llapi_hsm_copytool_get_fd(ct), .events = POLLIN };
	struct hsm_action_list *hal = NULL;
	int msgsize = 0;
	CHECK(poll(&p, 1, 10000) == 1, "no action list within 10 s");
	int rc = llapi_hsm_copytool_recv(ct, &hal, &msgsize);
	CHECK(rc == 0, "recv: %s", strerror(-rc));
	if (rc != 0)
		return NULL;
	CHECK(msgsize >= (int)(sizeof(*hal) + sizeof(struct hsm_action_item)), "msgsize %d", msgsize);
	return hal;
}

static void test_register_unregister(void)
{
	struct hsm_copytool_private *ct = NULL, *second = NULL;
	int rc = llapi_hsm_copytool_register(&ct, mnt, 0, NULL, 0);
	CHECK(rc == 0, "register: %s", strerror(-rc));
	/* Lustre's test2: a second registration on one mount succeeds (llite refuses only a second one on one fd) */
	rc = llapi_hsm_copytool_register(&second, mnt, 0, NULL, 0);
	CHECK(rc == 0, "second copytool on one mount: got %d", rc);
	rc = llapi_hsm_copytool_unregister(&second);
	CHECK(rc == 0 && second == NULL, "unregister the second: %d", rc);
	rc = llapi_hsm_copytool_unregister(&ct);
	CHECK(rc == 0 && ct == NULL, "unregister: %d", rc);
	rc = llapi_hsm_copytool_register(&ct, "/proc", 0, NULL, 0);
	CHECK(rc == -ENOENT, "register on a non-Lustre path: got %d", rc);
	int archives[] = { 1 };
	rc = llapi_hsm_copytool_register(&ct, mnt, 1, NULL, 0);
	CHECK(rc == -EINVAL, "archive count without list: got %d", rc);
	rc = llapi_hsm_copytool_register(&ct, mnt, 1, archives, 0);
	CHECK(rc == 0, "register archive 1: %d", rc);
	CHECK(llapi_hsm_copytool_get_fd(ct) >= 0, "get_fd");
	llapi_hsm_copytool_unregister(&ct);
}

static void test_nonblocking_recv(void)
{
	struct hsm_copytool_private *ct = NULL;
	struct hsm_action_list *hal;
	int msgsize;
	int rc = llapi_hsm_copytool_register(&ct, mnt, 0, NULL, O_NONBLOCK);
	CHECK(rc == 0, "register: %d", rc);
	if (rc != 0)
		return;
	int fd = llapi_hsm_copytool_get_fd(ct);
	CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "fd not non-blocking");
	/* Lustre's test7: the fd is the read end of the KUC pipe, so writing to it fails with EBADF */
	errno = 0;
	CHECK(write(fd, &rc, 1) == -1 && errno == EBADF, "write to the copytool fd: errno %d", errno);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	CHECK(poll(&p, 1, 10) == 0, "the fd polls readable without an action list");
	rc = llapi_hsm_copytool_recv(ct, &hal, &msgsize);
	CHECK(rc == -EAGAIN, "recv on an empty non-blocking fd: got %d", rc);
	llapi_hsm_copytool_unregister(&ct);
}

static void test_state_get_set(const char *path)
{
	struct hsm_user_state hus;
	int rc = llapi_hsm_state_get(path, &hus);
	CHECK(rc == 0 && hus.hus_states == 0 && hus.hus_archive_id == 0, "new file state: rc %d states %#x", rc,
	      hus.hus_states);
	CHECK(hus.hus_in_progress_state == HPS_NONE, "in progress %u", hus.hus_in_progress_state);
	/* Lustre's test50: the MDT fills the states and archive id only, never the in-progress fields */
	memset(&hus, 0xaa, sizeof(hus));
	rc = llapi_hsm_state_get(path, &hus);
	CHECK(rc == 0 && hus.hus_in_progress_state == 0 && hus.hus_in_progress_action == 0 &&
		      hus.hus_in_progress_location.offset == 0 && hus.hus_in_progress_location.length == 0,
	      "in-progress fields: state %u action %u", hus.hus_in_progress_state, hus.hus_in_progress_action);
	/* Lustre's test50/test52: a NULL result reaches the ioctl, which faults */
	CHECK(llapi_hsm_state_get(path, NULL) == -EFAULT, "state_get into NULL");
	int null_fd = open(path, O_RDONLY);
	CHECK(llapi_hsm_state_get_fd(null_fd, NULL) == -EFAULT, "state_get_fd into NULL");
	close(null_fd);
	CHECK(llapi_hsm_current_action(path, NULL) == -EFAULT, "current_action into NULL");
	rc = llapi_hsm_state_set(path, HS_NORELEASE | HS_NOARCHIVE, 0, 0);
	CHECK(rc == 0, "set: %d", rc);
	llapi_hsm_state_get(path, &hus);
	CHECK(hus.hus_states == (HS_NORELEASE | HS_NOARCHIVE), "after set: %#x", hus.hus_states);
	rc = llapi_hsm_state_set(path, 0, HS_NORELEASE | HS_NOARCHIVE, 0);
	CHECK(rc == 0, "clear: %d", rc);
	rc = llapi_hsm_state_set(path, HS_DIRTY, 0, 0);
	CHECK(rc == -EINVAL, "DIRTY without EXISTS: got %d", rc);
	rc = llapi_hsm_state_set(path, HS_RELEASED | HS_EXISTS, 0, 0);
	CHECK(rc == -EINVAL, "RELEASED without ARCHIVED: got %d", rc);
	rc = llapi_hsm_state_set(path, HS_EXISTS | HS_ARCHIVED, 0, 7);
	CHECK(rc == 0, "set exists archived: %d", rc);
	int fd = open(path, O_RDONLY);
	rc = llapi_hsm_state_get_fd(fd, &hus);
	close(fd);
	CHECK(rc == 0 && hus.hus_states == (HS_EXISTS | HS_ARCHIVED) && hus.hus_archive_id == 7,
	      "state_get_fd: rc %d states %#x archive %u", rc, hus.hus_states, hus.hus_archive_id);
	rc = llapi_hsm_state_set(path, 0, HS_EXISTS | HS_ARCHIVED, 0);
	CHECK(rc == 0, "clear exists archived: %d", rc);
	rc = llapi_hsm_state_get("/proc/self/status", &hus);
	CHECK(rc == -ENOENT, "state of a non-Lustre file: %d", rc);
}

/*
 * The daemon knows the caller by the credentials of its connection (SO_PEERCRED, taken at connect), and the library
 * keeps connections between calls: a call made under another effective uid must not travel on root's connection.
 */
static void test_caller_identity_per_call(const char *path)
{
	CHECK(llapi_hsm_state_set(path, HS_EXISTS | HS_ARCHIVED, 0, 0) == 0, "as root: set exists archived");
	CHECK(seteuid(65534) == 0, "seteuid(65534): %s", strerror(errno));
	int rc = llapi_hsm_state_set(path, 0, HS_EXISTS | HS_ARCHIVED, 0);
	CHECK(rc == -EPERM, "as uid 65534: clearing EXISTS ARCHIVED gave %d, not -EPERM: the call went as root", rc);
	CHECK(seteuid(0) == 0, "seteuid(0): %s", strerror(errno));
	rc = llapi_hsm_state_set(path, 0, HS_EXISTS | HS_ARCHIVED, 0);
	CHECK(rc == 0, "as root again: clear exists archived: %d", rc);
}

/* Archive through the library as a copytool would: recv, begin, progress (extents merged as a union), end. */
static void test_archive_and_progress(const char *path)
{
	struct hsm_copytool_private *ct = NULL;
	struct lu_fid fid;
	struct hsm_current_action hca;
	int rc = llapi_path2fid(path, &fid);
	CHECK(rc == 0, "path2fid: %d", rc);
	rc = llapi_hsm_current_action(path, &hca);
	/* Lustre's test52: a file with no action reads HUA_NONE with state WAITING, never state 0 */
	CHECK(rc == 0 && hca.hca_action == HUA_NONE && hca.hca_state == HPS_WAITING, "no action yet: %u/%u",
	      hca.hca_action, hca.hca_state);
	rc = llapi_hsm_copytool_register(&ct, mnt, 0, NULL, 0);
	CHECK(rc == 0, "register: %d", rc);
	if (rc != 0)
		return;
	rc = request(path, HUA_ARCHIVE, &fid);
	CHECK(rc == 0, "archive request: %d", rc);
	struct hsm_action_list *hal = receive(ct);
	if (hal == NULL)
		goto out;
	CHECK(hal->hal_version == HAL_VERSION && hal->hal_count == 1, "version %u count %u", hal->hal_version,
	      hal->hal_count);
	CHECK(strcmp(hal->hal_fsname, fsname) == 0, "fsname %s", hal->hal_fsname);
	CHECK(hal->hal_archive_id == 1, "archive id %u (default_archive_id)", hal->hal_archive_id);
	struct hsm_action_item *hai = hai_first(hal);
	struct lu_fid hfid = hai->hai_fid;
	CHECK(hai->hai_action == HSMA_ARCHIVE && hai->hai_len == sizeof(*hai), "action %u len %u", hai->hai_action,
	      hai->hai_len);
	CHECK(memcmp(&hfid, &fid, sizeof(fid)) == 0, "hai_fid " DFID, PFID(&hfid));
	CHECK(hai->hai_extent.offset == 0 && hai->hai_extent.length == (__u64)-1, "extent");
	CHECK(hai->hai_cookie != 0, "cookie");

	rc = llapi_hsm_current_action(path, &hca);
	CHECK(rc == 0 && hca.hca_action == HUA_ARCHIVE && hca.hca_state == HPS_RUNNING, "running: %u/%u",
	      hca.hca_action, hca.hca_state);

	struct hsm_copyaction_private *hcp = NULL;
	rc = llapi_hsm_action_begin(&hcp, ct, hai, -1, 0, false);
	CHECK(rc == 0, "begin: %d", rc);
	if (rc != 0)
		goto out;
	int fd = llapi_hsm_action_get_fd(hcp);
	CHECK(fd >= 0, "get_fd: %d", fd);
	char buf[16];
	CHECK(pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf) && buf[0] == 'x', "read source");
	struct lu_fid fdfid;
	CHECK(llapi_fd2fid(fd, &fdfid) == 0 && memcmp(&fdfid, &fid, sizeof(fid)) == 0, "fd2fid of the source fd");
	close(fd);
	struct hsm_extent he1 = { 0, 100 }, he2 = { 50, 100 }, he3 = { 200, 50 };
	CHECK(llapi_hsm_action_progress(hcp, &he1, 4096, 0) == 0, "progress 1");
	CHECK(llapi_hsm_action_progress(hcp, &he2, 4096, 0) == 0, "progress 2");
	CHECK(llapi_hsm_action_progress(hcp, &he3, 4096, 0) == 0, "progress 3");
	rc = llapi_hsm_current_action(path, &hca);
	/* [0,100) U [50,150) U [200,250) = 200 bytes */
	CHECK(rc == 0 && hca.hca_location.length == 200, "bytes moved: %llu",
	      (unsigned long long)hca.hca_location.length);
	struct hsm_extent wrap = { (__u64)-10, 100 };
	CHECK(llapi_hsm_action_progress(hcp, &wrap, 4096, 0) == -EINVAL, "wrapping extent");
	struct hsm_extent all = { 0, 4096 };
	rc = llapi_hsm_action_end(&hcp, &all, 0, 0);
	CHECK(rc == 0 && hcp == NULL, "end: %d", rc);
	struct hsm_user_state hus;
	llapi_hsm_state_get(path, &hus);
	CHECK(hus.hus_states == (HS_EXISTS | HS_ARCHIVED) && hus.hus_archive_id == 1, "archived: %#x",
	      hus.hus_states);
out:
	llapi_hsm_copytool_unregister(&ct);
}

/*
 * Simulator only: liblustreapi frees the copytool handle at unregister, so a progress or an end of an action begun
 * with it is a use-after-free there. libhsmsim keeps the handle marked instead and refuses such a call with EBADF
 * (printing a MISUSE line), so that a copytool doing it is caught by its tests.
 */
static void test_call_after_unregister(const char *path)
{
	struct hsm_copytool_private *ct = NULL;
	struct lu_fid fid;
	CHECK(llapi_path2fid(path, &fid) == 0, "path2fid");
	int rc = llapi_hsm_copytool_register(&ct, mnt, 0, NULL, 0);
	CHECK(rc == 0, "register: %d", rc);
	if (rc != 0)
		return;
	struct hsm_copytool_private *stale = ct;
	CHECK(request(path, HUA_ARCHIVE, &fid) == 0, "archive request");
	struct hsm_action_list *hal = receive(ct);
	struct hsm_copyaction_private *hcp = NULL;
	if (hal != NULL) {
		rc = llapi_hsm_action_begin(&hcp, ct, hai_first(hal), -1, 0, false);
		CHECK(rc == 0, "begin: %d", rc);
	}
	CHECK(llapi_hsm_copytool_unregister(&ct) == 0 && ct == NULL, "unregister");
	CHECK(llapi_hsm_copytool_get_fd(stale) == -EBADF, "get_fd after unregister");
	if (hcp == NULL)
		return;
	struct hsm_extent he = { 0, 100 };
	rc = llapi_hsm_action_progress(hcp, &he, 4096, 0);
	CHECK(rc == -EBADF, "progress after unregister: %d", rc);
	rc = llapi_hsm_action_end(&hcp, &he, 0, 0);
	CHECK(rc == -EBADF && hcp == NULL, "end after unregister: %d", rc);
}

/* A cancel reaches the copytool as HSMA_CANCEL with the cookie; progress then gets -ECANCELED. */
static void test_cancel(const char *path)
{
	struct hsm_copytool_private *ct = NULL;
	struct lu_fid fid;
	llapi_path2fid(path, &fid);
	int rc = llapi_hsm_copytool_register(&ct, mnt, 0, NULL, 0);
	CHECK(rc == 0, "register: %d", rc);
	if (rc != 0)
		return;
	CHECK(request(path, HUA_ARCHIVE, &fid) == 0, "archive request");
	struct hsm_action_list *hal = receive(ct);
	if (hal == NULL)
		goto out;
	struct hsm_action_item *hai = hai_first(hal);
	__u64 cookie = hai->hai_cookie;
	struct hsm_copyaction_private *hcp = NULL;
	rc = llapi_hsm_action_begin(&hcp, ct, hai, -1, 0, false);
	CHECK(rc == 0, "begin: %d", rc);
	CHECK(request(path, HUA_CANCEL, &fid) == 0, "cancel request");
	hal = receive(ct);
	if (hal != NULL) {
		struct hsm_action_item *c = hai_first(hal);
		CHECK(c->hai_action == HSMA_CANCEL && c->hai_cookie == cookie, "cancel item: action %u cookie %#llx",
		      c->hai_action, (unsigned long long)c->hai_cookie);
	}
	struct hsm_extent he = { 0, 10 };
	rc = llapi_hsm_action_progress(hcp, &he, 100, 0);
	CHECK(rc == -ECANCELED, "progress after cancel: %d", rc);
	rc = llapi_hsm_action_end(&hcp, &he, 0, ECANCELED);
	CHECK(rc == 0, "end after cancel: %d", rc);
out:
	llapi_hsm_copytool_unregister(&ct);
}

static void test_fids_and_data_version(const char *path)
{
	struct lu_fid fid, fid2;
	char fidtext[64], rel[4096];
	long long recno = -1;
	int linkno = 0;
	CHECK(llapi_path2fid(path, &fid) == 0, "path2fid");
	snprintf(fidtext, sizeof(fidtext), DFID, PFID(&fid));
	int rc = llapi_fid2path(mnt, fidtext, rel, sizeof(rel), &recno, &linkno);
	CHECK(rc == 0 && strstr(path, rel) != NULL && rel[0] != '/', "fid2path: %d '%s'", rc, rel);
	char byfid[4200];
	snprintf(byfid, sizeof(byfid), "%s/.lustre/fid/" DFID, mnt, PFID(&fid));
	CHECK(llapi_path2fid(byfid, &fid2) == 0 && memcmp(&fid, &fid2, sizeof(fid)) == 0, ".lustre/fid path");
	int fd = open(path, O_RDWR);
	__u64 dv1 = 0, dv2 = 0;
	CHECK(llapi_get_data_version(fd, &dv1, LL_DV_RD_FLUSH) == 0, "dv");
	CHECK(pwrite(fd, "y", 1, 0) == 1, "write");
	CHECK(llapi_get_data_version(fd, &dv2, 0) == 0 && dv2 != dv1, "dv changes on write: %llu %llu",
	      (unsigned long long)dv1, (unsigned long long)dv2);
	close(fd);
	CHECK(llapi_fid2path(mnt, "[0x1:0x2:0x3]", rel, sizeof(rel), &recno, &linkno) == -ENOENT, "unknown FID");
}

/*
 * What lhsmtool_posix and llapi_test_utils find their mount, file system and paths with (liblustreapi_root.c
 * llapi_search_mounts / llapi_search_fsname, liblustreapi_fid.c llapi_fid2path_at / llapi_fid2path).
 */
static void test_mounts_and_paths(const char *dir, const char *path)
{
	char mntdir[PATH_MAX], name[PATH_MAX], rel[PATH_MAX], missing[PATH_MAX + 16];
	int saved_level = llapi_msg_get_level();

	/* a path on the mount (or the mount itself) gives the mount point and the file system's name */
	int rc = llapi_search_mounts(path, 0, mntdir, name);
	CHECK(rc == 0 && strcmp(mntdir, mnt) == 0 && strcmp(name, fsname) == 0, "search_mounts(%s): %d '%s' '%s'",
	      path, rc, mntdir, name);
	rc = llapi_search_mounts(mnt, 0, mntdir, NULL);
	CHECK(rc == 0 && strcmp(mntdir, mnt) == 0, "search_mounts(mount point): %d '%s'", rc, mntdir);
	rc = llapi_search_mounts("/", 0, mntdir, name);
	CHECK(rc == -ENODEV && errno == ENODEV, "search_mounts(/): %d", rc);
	/*
	 * Without a path: the index-th Lustre mount of the mount table. An index whose mount point cannot be stat'ed
	 * (a client whose daemon died: "Transport endpoint is not connected") is -ENODEV and still counts, so ours
	 * is at some index, not necessarily 0; and no mount is past the end of the table.
	 */
	int our_index = -1;
	for (int i = 0; i < 4096 && our_index < 0; i++) {
		rc = llapi_search_mounts("", i, mntdir, name);
		CHECK(rc == 0 || rc == -ENODEV, "search_mounts(index %d): %d", i, rc);
		if (rc == 0 && strcmp(mntdir, mnt) == 0) {
			our_index = i;
			CHECK(strcmp(name, fsname) == 0, "search_mounts(index %d): '%s' not '%s'", i, name, fsname);
		}
	}
	CHECK(our_index >= 0, "search_mounts by index never gives '%s'", mnt);
	rc = llapi_search_mounts(NULL, 100000, mntdir, name);
	CHECK(rc == -ENODEV, "search_mounts(index 100000): %d", rc);

	/* by device: the file, or the directory of a name that does not exist yet */
	rc = llapi_search_fsname(path, name);
	CHECK(rc == 0 && strcmp(name, fsname) == 0, "search_fsname(%s): %d '%s'", path, rc, name);
	snprintf(missing, sizeof(missing), "%s/not-yet", dir);
	rc = llapi_search_fsname(missing, name);
	CHECK(rc == 0 && strcmp(name, fsname) == 0, "search_fsname(%s): %d '%s'", missing, rc, name);
	llapi_msg_set_level(LLAPI_MSG_OFF); /* the two failures below are reported by the library */
	CHECK(llapi_search_fsname("/", name) == -ENODEV, "search_fsname(/) is not Lustre");
	CHECK(llapi_search_fsname("/nonexistent-dir/x", name) == -ENOENT, "search_fsname of an unresolvable path");
	CHECK(llapi_fid2path(mnt, "not-a-fid", rel, sizeof(rel), NULL, NULL) == -EINVAL, "fid2path of a bad FID");
	llapi_msg_set_level(saved_level);

	/* FID to path through an fd of the mount, as lhsmtool_posix's o_mnt_fd */
	struct lu_fid fid, root;
	long long recno = -1;
	int linkno = 0;
	CHECK(llapi_path2fid(path, &fid) == 0 && llapi_path2fid(mnt, &root) == 0, "path2fid");
	int mnt_fd = open(mnt, O_RDONLY);
	CHECK(mnt_fd >= 0, "open %s: %s", mnt, strerror(errno));
	rc = llapi_fid2path_at(mnt_fd, &fid, rel, sizeof(rel), &recno, &linkno);
	CHECK(rc == 0 && strcmp(rel, path + strlen(mnt) + 1) == 0 && linkno == 0, "fid2path_at: %d '%s'", rc, rel);
	rc = llapi_fid2path_at(mnt_fd, &root, rel, sizeof(rel), NULL, NULL);
	CHECK(rc == 0 && strcmp(rel, "/") == 0, "fid2path_at(root): %d '%s'", rc, rel);
	rc = llapi_fid2path_at(mnt_fd, &fid, rel, 4, NULL, NULL);
	CHECK(rc == -EOVERFLOW, "fid2path_at into 4 bytes: %d", rc);
	struct lu_fid unknown = { 0x1, 0x2, 0x3 };
	CHECK(llapi_fid2path_at(mnt_fd, &unknown, rel, sizeof(rel), NULL, NULL) == -ENOENT, "unknown FID");
	close(mnt_fd);
	int other_fd = open("/", O_RDONLY);
	rc = llapi_fid2path_at(other_fd, &fid, rel, sizeof(rel), NULL, NULL);
	CHECK(rc == -ENOTTY, "fid2path_at on a non-Lustre fd: %d", rc);
	close(other_fd);
}

/* sanity-hsm test_90's limit: llite refuses hur_len >= MDS_MAXREQSIZE / 3 (1706 bytes) with E2BIG */
static void test_request_size_limit(const char *path)
{
	struct lu_fid fid;
	CHECK(llapi_path2fid(path, &fid) == 0, "path2fid %s", path);
	for (int count = 52; count <= 53; count++) {
		struct hsm_user_request *hur = llapi_hsm_user_request_alloc(count, 0);
		hur->hur_request.hr_action = HUA_RELEASE;
		hur->hur_request.hr_itemcount = (__u32)count;
		for (int i = 0; i < count; i++) {
			struct hsm_user_item item = { .hui_fid = fid, .hui_extent = { 0, (__u64)-1 } };
			memcpy(&hur->hur_user_item[i], &item, sizeof(item));
		}
		int rc = llapi_hsm_request(path, hur);
		if (count == 52)
			CHECK(rc != -E2BIG, "52 items (1688 bytes) refused as too large");
		else
			CHECK(rc == -E2BIG, "53 items (1720 bytes): %d, not -E2BIG", rc);
		free(hur);
	}
	struct hsm_user_request *hur = llapi_hsm_user_request_alloc(1, 1706 - 24 - 32);
	hur->hur_request.hr_action = HUA_RELEASE;
	hur->hur_request.hr_itemcount = 1;
	hur->hur_request.hr_data_len = 1706 - 24 - 32; /* exactly 1706 bytes in all */
	struct hsm_user_item item = { .hui_fid = fid, .hui_extent = { 0, (__u64)-1 } };
	memcpy(&hur->hur_user_item[0], &item, sizeof(item));
	CHECK(llapi_hsm_request(path, hur) == -E2BIG, "1706 bytes with data not refused");
	free(hur);
}

static void test_import(const char *dir)
{
	char path[4200];
	struct stat st = { 0 };
	struct lu_fid fid;
	snprintf(path, sizeof(path), "%s/imported", dir);
	st.st_size = 12345;
	st.st_mode = S_IFREG | 0640;
	st.st_uid = 0;
	st.st_gid = 0;
	st.st_mtim.tv_sec = 1000000000;
	int rc = llapi_hsm_import(path, 3, &st, 0, -1, 0, 0, NULL, &fid);
	CHECK(rc == 0, "import: %d", rc);
	struct hsm_user_state hus;
	llapi_hsm_state_get(path, &hus);
	CHECK(hus.hus_states == (HS_EXISTS | HS_ARCHIVED | HS_RELEASED) && hus.hus_archive_id == 3,
	      "imported state %#x archive %u", hus.hus_states, hus.hus_archive_id);
	struct stat got;
	CHECK(stat(path, &got) == 0 && got.st_size == 12345 && (got.st_mode & 0777) == 0640 &&
	      got.st_mtim.tv_sec == 1000000000, "imported attributes");
	rc = llapi_hsm_import(path, 3, &st, 0, -1, 0, 0, NULL, &fid);
	CHECK(rc == -EEXIST, "import over an existing file: %d", rc);
}

/* Whether the file's request was handed to a copytool: the coordinator dispatches as it accepts a request. */
static bool dispatched(const char *path)
{
	struct hsm_current_action hca;
	int rc = llapi_hsm_current_action(path, &hca);
	CHECK(rc == 0, "current_action %s: %d", path, rc);
	return hca.hca_action != HUA_NONE && hca.hca_state == HPS_RUNNING;
}

/*
 * Two copytools on one mount (kernelcomm.c libcfs_kkuc_group_put; mdt_hsm_agent_register): both receive every action
 * list of the mount, the coordinator keeps the first one's archive list, and either leaving removes the mount's agent.
 */
static void test_two_copytools_on_one_mount(const char *f1, const char *f2)
{
	struct hsm_copytool_private *first = NULL, *second = NULL;
	int one[] = { 1 };
	struct lu_fid fid1, fid2;
	CHECK(llapi_path2fid(f1, &fid1) == 0 && llapi_path2fid(f2, &fid2) == 0, "path2fid");
	int rc = llapi_hsm_copytool_register(&first, mnt, 1, one, 0);
	CHECK(rc == 0, "register archive 1: %d", rc);
	rc = llapi_hsm_copytool_register(&second, mnt, 0, NULL, 0);
	CHECK(rc == 0, "register all archives on the same mount: %d", rc);
	if (first == NULL || second == NULL)
		goto out;

	/* archive 2: only the second registration serves it, and the coordinator kept the first one's list */
	struct hsm_user_request *hur = llapi_hsm_user_request_alloc(1, 0);
	hur->hur_request.hr_action = HUA_ARCHIVE;
	hur->hur_request.hr_archive_id = 2;
	hur->hur_request.hr_itemcount = 1;
	struct hsm_user_item item = { .hui_fid = fid2, .hui_extent = { 0, (__u64)-1 } };
	memcpy(&hur->hur_user_item[0], &item, sizeof(item));
	CHECK(llapi_hsm_request(f2, hur) == 0, "archive -a 2");
	free(hur);
	CHECK(!dispatched(f2), "archive 2 was dispatched to an agent registered (first) for archive 1 only");

	/* archive 1: both copytools receive the same list */
	CHECK(request(f1, HUA_ARCHIVE, &fid1) == 0, "archive request");
	struct hsm_action_list *hal = receive(first);
	__u64 cookie = hal != NULL ? hai_first(hal)->hai_cookie : 0;
	struct hsm_action_item hai1;
	if (hal != NULL)
		memcpy(&hai1, hai_first(hal), sizeof(hai1));
	hal = receive(second);
	CHECK(hal != NULL && hai_first(hal)->hai_cookie == cookie && cookie != 0,
	      "the second copytool got the same list: cookie %#llx vs %#llx",
	      hal != NULL ? (unsigned long long)hai_first(hal)->hai_cookie : 0ULL, (unsigned long long)cookie);
	if (cookie != 0) {
		struct hsm_copyaction_private *hcp = NULL;
		struct hsm_extent none = { 0, 0 };
		if (llapi_hsm_action_begin(&hcp, first, &hai1, -1, 0, true) == 0)
			llapi_hsm_action_end(&hcp, &none, 0, ECANCELED); /* done with it */
	}

	/* the second leaves: the mount's agent is gone although the first is still registered */
	CHECK(llapi_hsm_copytool_unregister(&second) == 0, "unregister the second");
	CHECK(request(f1, HUA_ARCHIVE, &fid1) == 0, "archive request after the second left");
	CHECK(!dispatched(f1), "dispatched to a mount whose agent was unregistered");
	CHECK(request(f1, HUA_CANCEL, &fid1) == 0, "cancel the waiting archive");
	CHECK(request(f2, HUA_CANCEL, &fid2) == 0, "cancel the waiting archive -a 2");
out:
	llapi_hsm_copytool_unregister(&second);
	llapi_hsm_copytool_unregister(&first);
}

/* Reads what the FIFO holds now (non-blocking). */
static void drain(int fd, char *out, size_t size)
{
	size_t len = strlen(out);
	for (ssize_t n; len + 1 < size && (n = read(fd, out + len, size - 1 - len)) > 0;)
		len += (size_t)n;
	out[len] = '\0';
}

static char messages[8192];

static void collect_message(enum llapi_message_level level, int err, const char *fmt, va_list ap)
{
	(void)level;
	size_t len = strlen(messages);
	vsnprintf(messages + len, sizeof(messages) - len, fmt, ap);
	len = strlen(messages);
	snprintf(messages + len, sizeof(messages) - len, " (%d)\n", err);
}

/*
 * The JSON events of an archive and a restore, field for field as liblustreapi_hsm.c and liblustreapi_json.c write
 * them. path is a file named with a backslash, which the real escape doubles twice.
 */
static void test_event_contents(const char *fifo_dir, const char *path)
{
	char fifo[4200], events[65536] = "", expected[16384], fidtext[64], rel[4200];
	struct lu_fid fid;
	CHECK(llapi_path2fid(path, &fid) == 0, "path2fid %s", path);
	snprintf(fidtext, sizeof(fidtext), DFID_NOBRACE, PFID(&fid));
	long long recno = -1;
	int linkno = 0;
	char bracketed[64];
	snprintf(bracketed, sizeof(bracketed), DFID, PFID(&fid));
	CHECK(llapi_fid2path(mnt, bracketed, rel, sizeof(rel), &recno, &linkno) == 0, "fid2path");
	snprintf(fifo, sizeof(fifo), "%s/events", fifo_dir);
	CHECK(llapi_hsm_register_event_fifo(fifo) == 0, "register the event FIFO");
	int reader = open(fifo, O_RDONLY | O_NONBLOCK);
	CHECK(reader >= 0, "open the FIFO for reading");
	llapi_log_callback_t old = llapi_error_callback_set(collect_message);

	struct hsm_copytool_private *ct = NULL;
	int archives[] = { 1, 2 };
	int rc = llapi_hsm_copytool_register(&ct, mnt, 2, archives, 0);
	CHECK(rc == 0, "register: %d", rc);
	if (rc != 0)
		goto out;
	CHECK(request(path, HUA_ARCHIVE, &fid) == 0, "archive request");
	struct hsm_action_list *hal = receive(ct);
	struct hsm_copyaction_private *hcp = NULL;
	if (hal == NULL || llapi_hsm_action_begin(&hcp, ct, hai_first(hal), -1, 0, false) != 0)
		goto out;
	struct hsm_extent part = { 0, 100 }, all = { 0, 4096 };
	llapi_hsm_action_progress(hcp, &part, 4096, 0);
	CHECK(llapi_hsm_action_end(&hcp, &all, 0, 0) == 0, "end archive");

	CHECK(request(path, HUA_RELEASE, &fid) == 0, "release");
	CHECK(request(path, HUA_RESTORE, &fid) == 0, "restore request");
	hal = receive(ct);
	if (hal == NULL || llapi_hsm_action_begin(&hcp, ct, hai_first(hal), -1, 0, false) != 0)
		goto out;
	struct lu_fid volatile_fid;
	CHECK(llapi_hsm_action_get_dfid(hcp, &volatile_fid) == 0, "get_dfid");
	char vtext[64];
	snprintf(vtext, sizeof(vtext), DFID_NOBRACE, PFID(&volatile_fid));
	int fd = llapi_hsm_action_get_fd(hcp);
	char data[4096];
	memset(data, 'x', sizeof(data));
	CHECK(pwrite(fd, data, sizeof(data), 0) == (ssize_t)sizeof(data), "write the restored data");
	close(fd);
	llapi_hsm_action_progress(hcp, &part, 4096, 0);
	CHECK(llapi_hsm_action_end(&hcp, &all, 0, 0) == 0, "end restore");
	llapi_hsm_copytool_unregister(&ct);
	drain(reader, events, sizeof(events));

	/* the path relative to the mount, escaped as real: a backslash becomes four */
	char escaped[8400];
	size_t e = 0;
	for (const char *c = rel; *c && e + 5 < sizeof(escaped); c++) {
		if (*c == '\\') {
			memcpy(escaped + e, "\\\\\\\\", 4);
			e += 4;
		} else {
			escaped[e++] = *c;
		}
	}
	escaped[e] = '\0';
	CHECK(strncmp(events, "{\"event_time\": \"", 16) == 0, "first event: %.200s", events);
	snprintf(expected, sizeof(expected), "\"event_type\": \"REGISTER\", \"archive\": 2, \"mount_point\": \"%s\", "
		 "\"uuid\": \"", mnt);
	CHECK(strstr(events, expected) != NULL, "missing: %s\nin:\n%s", expected, events);
	snprintf(expected, sizeof(expected), "\"event_type\": \"ARCHIVE_START\", \"total_bytes\": 0, "
		 "\"lustre_path\": \"%s\", \"source_fid\": \"%s\", \"data_fid\": \"%s\"}\n", escaped, fidtext, fidtext);
	CHECK(strstr(events, expected) != NULL, "missing: %s\nin:\n%s", expected, events);
	snprintf(expected, sizeof(expected), "\"event_type\": \"ARCHIVE_RUNNING\", \"current_bytes\": 100, "
		 "\"total_bytes\": 4096, \"lustre_path\": \"%s\", \"source_fid\": \"%s\", \"data_fid\": \"%s\"}\n",
		 escaped, fidtext, fidtext);
	CHECK(strstr(events, expected) != NULL, "missing: %s\nin:\n%s", expected, events);
	snprintf(expected, sizeof(expected), "\"event_type\": \"ARCHIVE_FINISH\", \"source_fid\": \"%s\", "
		 "\"data_fid\": \"%s\"}\n", fidtext, fidtext);
	CHECK(strstr(events, expected) != NULL, "missing: %s\nin:\n%s", expected, events);
	snprintf(expected, sizeof(expected), "\"event_type\": \"RESTORE_START\", \"total_bytes\": 0, "
		 "\"lustre_path\": \"%s\", \"source_fid\": \"%s\", \"data_fid\": \"%s\"}\n", escaped, fidtext, fidtext);
	CHECK(strstr(events, expected) != NULL, "missing: %s\nin:\n%s", expected, events);
	/* a restore's RUNNING names the unlinked volatile file: fid2path fails, the library says so, no event */
	CHECK(strstr(events, "RESTORE_RUNNING") == NULL, "RESTORE_RUNNING written:\n%s", events);
	CHECK(strstr(messages, "error in llapi_hsm_log_ct_progress()") != NULL, "messages:\n%s", messages);
	/* and its FINISH names the volatile file twice (hai_fid := hai_dfid before COPY_END) */
	snprintf(expected, sizeof(expected), "\"event_type\": \"RESTORE_FINISH\", \"source_fid\": \"%s\", "
		 "\"data_fid\": \"%s\"}\n", vtext, vtext);
	CHECK(strstr(events, expected) != NULL, "missing: %s\nin:\n%s", expected, events);
	CHECK(strstr(events, "\"event_type\": \"UNREGISTER\", \"archive\": 2, ") != NULL, "no UNREGISTER:\n%s",
	      events);
out:
	llapi_hsm_copytool_unregister(&ct);
	llapi_error_callback_set(old);
	if (reader >= 0)
		close(reader);
	CHECK(llapi_hsm_unregister_event_fifo(fifo) == 0, "unregister the FIFO");
	struct stat st;
	CHECK(stat(fifo, &st) != 0, "the FIFO the library made is still there");
}

/*
 * llapi_hsm_import opens without O_EXCL (liblustreapi_hsm.c:1434-1497, liblustreapi.c:510-597): a dangling symlink gets
 * the stub created at its target, a symlink to a file with a layout gives EEXIST, a directory gives ENOTTY (the import
 * ioctl on a directory) and stays.
 */
static void test_import_over_existing_paths(const char *dir)
{
	char link[4200], linked[4200], file[4200], link2[4200], sub[4200];
	struct stat st = { 0 };
	struct lu_fid fid, at_target;
	st.st_size = 4321;
	st.st_mode = S_IFREG | 0600;
	snprintf(link, sizeof(link), "%s/dangling", dir);
	snprintf(linked, sizeof(linked), "%s/dangling-target", dir);
	CHECK(symlink("dangling-target", link) == 0, "symlink: %s", strerror(errno));
	int rc = llapi_hsm_import(link, 2, &st, 0, -1, 0, 0, NULL, &fid);
	CHECK(rc == 0, "import through a dangling symlink: %d", rc);
	struct stat got;
	CHECK(lstat(link, &got) == 0 && S_ISLNK(got.st_mode), "the symlink stays a symlink");
	CHECK(lstat(linked, &got) == 0 && S_ISREG(got.st_mode) && got.st_size == 4321, "stub at the symlink's target");
	struct hsm_user_state hus;
	CHECK(llapi_hsm_state_get(linked, &hus) == 0 && hus.hus_states == (HS_EXISTS | HS_ARCHIVED | HS_RELEASED),
	      "target state %#x", hus.hus_states);
	CHECK(llapi_path2fid(linked, &at_target) == 0 && memcmp(&fid, &at_target, sizeof(fid)) == 0,
	      "the FID returned is the target's");

	snprintf(file, sizeof(file), "%s/plain", dir);
	snprintf(link2, sizeof(link2), "%s/to-plain", dir);
	make_file(file, 100);
	CHECK(symlink("plain", link2) == 0, "symlink: %s", strerror(errno));
	rc = llapi_hsm_import(link2, 2, &st, 0, -1, 0, 0, NULL, &fid);
	CHECK(rc == -EEXIST, "import through a symlink to a file: %d", rc);
	CHECK(lstat(link2, &got) == 0 && S_ISLNK(got.st_mode), "that symlink stays");
	CHECK(stat(file, &got) == 0 && got.st_size == 100, "the file it leads to is untouched");

	snprintf(sub, sizeof(sub), "%s/a-directory", dir);
	CHECK(mkdir(sub, 0755) == 0, "mkdir: %s", strerror(errno));
	rc = llapi_hsm_import(sub, 2, &st, 0, -1, 0, 0, NULL, &fid);
	CHECK(rc == -ENOTTY, "import over a directory: %d", rc);
	CHECK(lstat(sub, &got) == 0 && S_ISDIR(got.st_mode), "the directory stays");
}

/*
 * Off Lustre (no pool named), liblustreapi opens before it knows: the file is created, the setstripe ioctl fails with
 * ENOTTY and the file is left there (liblustreapi.c:483-491 looks for the file system only for a pool; 555-567).
 */
static void test_import_off_lustre(void)
{
	char tmp[] = "/tmp/llapi_hsm_test_off.XXXXXX";
	if (mkdtemp(tmp) == NULL) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	char path[4200];
	snprintf(path, sizeof(path), "%s/stub", tmp);
	struct stat st = { 0 };
	st.st_size = 10;
	st.st_mode = S_IFREG | 0600;
	struct lu_fid fid;
	int rc = llapi_hsm_import(path, 2, &st, 0, -1, 0, 0, NULL, &fid);
	CHECK(rc == -ENOTTY, "import off Lustre: %d", rc);
	struct stat got;
	CHECK(lstat(path, &got) == 0 && S_ISREG(got.st_mode) && got.st_size == 0,
	      "the file the open created off Lustre is left there, empty");
	unlink(path);
	rmdir(tmp);
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: llapi_hsm_test MOUNTPOINT [FSNAME]\n");
		return 2;
	}
	mnt = argv[1];
	if (argc == 3)
		fsname = argv[2];
	char dir[4096], f1[4200], f2[4200], f3[4200], f4[4200], f5[4200], f6[4200], f7[4200];
	snprintf(dir, sizeof(dir), "%s/llapi_hsm_test.%d", mnt, (int)getpid());
	if (mkdir(dir, 0755) != 0) {
		perror("mkdir");
		return 2;
	}
	snprintf(f1, sizeof(f1), "%s/state", dir);
	snprintf(f2, sizeof(f2), "%s/archive", dir);
	snprintf(f3, sizeof(f3), "%s/cancel", dir);
	make_file(f1, 100);
	make_file(f2, 4096);
	make_file(f3, 4096);
	snprintf(f4, sizeof(f4), "%s/two-1", dir);
	snprintf(f5, sizeof(f5), "%s/two-2", dir);
	snprintf(f6, sizeof(f6), "%s/ev\\ents", dir);
	make_file(f4, 4096);
	make_file(f5, 4096);
	make_file(f6, 4096);
	snprintf(f7, sizeof(f7), "%s/after-unregister", dir);
	make_file(f7, 4096);
	test_register_unregister();
	test_nonblocking_recv();
	test_state_get_set(f1);
	test_caller_identity_per_call(f1);
	test_archive_and_progress(f2);
	test_cancel(f3);
	test_fids_and_data_version(f1);
	test_mounts_and_paths(dir, f1);
	test_request_size_limit(f1);
	test_import(dir);
	test_call_after_unregister(f7);
	test_two_copytools_on_one_mount(f4, f5);
	char fifo_dir[] = "/tmp/llapi_hsm_test.XXXXXX"; /* the client mount has no FIFOs (mknod) */
	if (mkdtemp(fifo_dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_event_contents(fifo_dir, f6);
	rmdir(fifo_dir);
	test_import_over_existing_paths(dir);
	test_import_off_lustre();
	printf("llapi_hsm_test: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}

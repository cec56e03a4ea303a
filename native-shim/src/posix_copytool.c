/*
 * hsmsim-posix-copytool: a small copytool in the spirit of Lustre's lhsmtool_posix, written only against the
 * liblustreapi prototypes (it builds against libhsmsim.so or a real liblustreapi).  It exists to test the simulator
 * independently of the Java copytool.
 *
 *   hsmsim-posix-copytool [--archive N]... --hsm-root DIR [--chunk-size BYTES] [--update-interval SECONDS]
 *                         [--bandwidth MB] [--event-fifo PATH] [--quiet|--verbose] MOUNTPOINT
 *   hsmsim-posix-copytool [--archive N] --hsm-root DIR --import SRC DST MOUNTPOINT
 *       creates DST as a released file for the archive copy DIR/SRC (llapi_hsm_import) and files the copy
 *       under DST's new FID, as lhsmtool_posix --import does
 *
 * Fault injection for tests of the coordinator: --fail-with ERRNO ends every action with that error (after
 * action_begin), --retry adds HP_FLAG_RETRY to such ends.  --gate FILE holds every copy at a point a test chooses,
 * whatever the machine's speed: while FILE exists and holds a byte count, no copy goes past that offset (it keeps
 * reporting progress and honours CANCEL while it waits); a test raises the count or removes FILE to let it go on.  A RESTORE's volatile file goes to the file's own MDT
 * (llapi_get_mdt_index_by_fid, as lhsmtool_posix's ct_restore does); --restore-mdt-index N passes N instead
 * (-1: where the directory places it), to test what DNE makes of a wrong index.
 *
 * Archive files are named by FID under DIR/<oid low>/<oid high>/<seq 0-15>/<seq 16-31>/<seq 32-47>/<seq 48-63>/
 * as lhsmtool_posix names them; archives go to <name>_tmp first and are renamed once complete.  The file's layout
 * (lustre.lov) is kept beside it in <name>.lov and given back at restore, as lhsmtool_posix's ct_save_stripe and
 * ct_restore do: the volatile file is begun with O_LOV_DELAY_CREATE and gets the layout before any data; a restore
 * whose saved layout cannot be set fails, one without a saved layout gets the default.  Each action runs in
 * its own detached thread.  CANCEL stops the running copy of that cookie, which ends with ECANCELED.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <lustre/lustreapi.h>

#define MAX_ARCHIVES 32
#define MAX_RUNNING 1024
#define CT_XATTR_LOV "lustre.lov" /* XATTR_LUSTRE_LOV */
#define CT_LOV_MAX 65536	  /* XATTR_SIZE_MAX */
#ifdef O_LOV_DELAY_CREATE
#define CT_LOV_DELAY_CREATE O_LOV_DELAY_CREATE
#else
#define CT_LOV_DELAY_CREATE (O_NOCTTY | FASYNC) /* lustre_user.h */
#endif

static struct options {
	int archives[MAX_ARCHIVES];
	int archive_count;
	const char *hsm_root;
	const char *mnt;
	const char *event_fifo;
	size_t chunk_size;
	int update_interval;
	long long bandwidth; /* bytes per second, 0 = unlimited */
	int verbose;
	int fail_with;
	bool retry;
	bool restore_mdt_index_set;
	int restore_mdt_index;
	const char *import_src;
	const char *import_dst;
	const char *gate;
} opt = { .chunk_size = 1 << 20, .update_interval = 30, .verbose = 1 };

static struct hsm_copytool_private *ctdata;
static volatile sig_atomic_t stop_requested;

/* Cookies and FIDs of running actions and whether a CANCEL arrived for them.  A cookie names an action only with its
 * FID: every MDT's coordinator numbers its own (mdt_coordinator.c ~1064-1065), so two MDTs may send the same one. */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	__u64 cookie;
	struct lu_fid fid;
	bool canceled;
	bool used;
} running[MAX_RUNNING];

static void logmsg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logmsg(int level, const char *fmt, ...)
{
	if (level > opt.verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "hsmsim-posix-copytool[%d]: ", (int)getpid());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool same_fid(const struct lu_fid *a, const struct lu_fid *b)
{
	return a->f_seq == b->f_seq && a->f_oid == b->f_oid && a->f_ver == b->f_ver;
}

static int running_add(__u64 cookie, const struct lu_fid *fid)
{
	pthread_mutex_lock(&running_lock);
	for (int i = 0; i < MAX_RUNNING; i++) {
		if (!running[i].used) {
			running[i].used = true;
			running[i].cookie = cookie;
			running[i].fid = *fid;
			running[i].canceled = false;
			pthread_mutex_unlock(&running_lock);
			return i;
		}
	}
	pthread_mutex_unlock(&running_lock);
	return -1;
}

static bool running_canceled(int slot)
{
	if (slot < 0)
		return false;
	pthread_mutex_lock(&running_lock);
	bool c = running[slot].canceled;
	pthread_mutex_unlock(&running_lock);
	return c;
}

static void running_remove(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&running_lock);
	running[slot].used = false;
	pthread_mutex_unlock(&running_lock);
}

static bool running_cancel(__u64 cookie, const struct lu_fid *fid)
{
	bool found = false;
	pthread_mutex_lock(&running_lock);
	for (int i = 0; i < MAX_RUNNING; i++) {
		if (running[i].used && running[i].cookie == cookie && same_fid(&running[i].fid, fid)) {
			running[i].canceled = true;
			found = true;
		}
	}
	pthread_mutex_unlock(&running_lock);
	return found;
}

/* lhsmtool_posix's ct_path_archive: the FID spread over six 16-bit directory levels. */
static int archive_path(const struct lu_fid *fid, char *path, size_t size)
{
	int n = snprintf(path, size, "%s/%04x/%04x/%04x/%04x/%04x/%04x/" DFID_NOBRACE, opt.hsm_root,
			 fid->f_oid & 0xFFFF, (fid->f_oid >> 16) & 0xFFFF, (unsigned int)(fid->f_seq & 0xFFFF),
			 (unsigned int)((fid->f_seq >> 16) & 0xFFFF), (unsigned int)((fid->f_seq >> 32) & 0xFFFF),
			 (unsigned int)((fid->f_seq >> 48) & 0xFFFF), PFID(fid));
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static int mkdir_parents(const char *file)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", file);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The offset copies may not pass while the gate file says so; -1 when there is no gate (or it is unreadable). */
static long long gate_offset(void)
{
	if (opt.gate == NULL)
		return -1;
	FILE *f = fopen(opt.gate, "r");
	if (f == NULL)
		return -1;
	long long limit = 0;
	if (fscanf(f, "%lld", &limit) != 1)
		limit = 0; /* empty or being written: hold at the start, the safe reading */
	fclose(f);
	return limit;
}

/*
 * Copies src to dst from offset 0 in chunks, reporting progress every update_interval seconds (and honouring
 * CANCEL: a canceled copy, or progress answering -ECANCELED, stops with -ECANCELED).
 */
static int copy_data(struct hsm_copyaction_private *hcp, int src, int dst, __u64 length, int slot, __u64 *copied)
{
	char *buf = malloc(opt.chunk_size);
	if (buf == NULL)
		return -ENOMEM;
	double start = now_seconds(), last_report = start;
	__u64 reported = 0, offset = 0;
	int rc = 0;
	for (;;) {
		long long gate;
		double hold_start = now_seconds();
		while ((gate = gate_offset()) >= 0 && offset >= (__u64)gate && !running_canceled(slot)) {
			if (offset > reported && now_seconds() - last_report >= opt.update_interval) {
				struct hsm_extent he = { .offset = reported, .length = offset - reported };
				rc = llapi_hsm_action_progress(hcp, &he, length, 0);
				if (rc != 0)
					break;
				reported = offset;
				last_report = now_seconds();
			}
			usleep(20000);
		}
		start += now_seconds() - hold_start; /* --bandwidth paces the copying, not the waits at the gate */
		if (rc != 0)
			break;
		if (running_canceled(slot)) {
			rc = -ECANCELED;
			break;
		}
		size_t want = opt.chunk_size;
		if (gate >= 0 && (__u64)gate - offset < want)
			want = (size_t)((__u64)gate - offset);
		if (length != (__u64)-1 && length - offset < want)
			want = (size_t)(length - offset);
		if (want == 0)
			break;
		ssize_t n = pread(src, buf, want, (off_t)offset);
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = pwrite(dst, buf + done, (size_t)(n - done), (off_t)(offset + (__u64)done));
			if (w < 0) {
				rc = -errno;
				break;
			}
			done += w;
		}
		if (rc != 0)
			break;
		offset += (__u64)n;
		if (opt.bandwidth > 0) {
			double should = (double)offset / (double)opt.bandwidth, spent = now_seconds() - start;
			if (should > spent)
				usleep((useconds_t)((should - spent) * 1e6));
		}
		if (now_seconds() - last_report >= opt.update_interval) {
			struct hsm_extent he = { .offset = reported, .length = offset - reported };
			rc = llapi_hsm_action_progress(hcp, &he, length, 0);
			if (rc != 0)
				break;
			reported = offset;
			last_report = now_seconds();
		}
	}
	free(buf);
	*copied = offset;
	return rc;
}

/*
 * lhsmtool_posix.c ct_save_stripe: the source's lustre.lov into <file>.lov, stripe offset -1 in a v1/v3 layout (so it
 * is no wish for the same first OST).  Not critical: the archive goes on without it.
 */
static void save_stripe(int src, const char *file, const struct lu_fid *fid)
{
	static __thread unsigned char lov[CT_LOV_MAX];
	char lov_file[PATH_MAX + 24];
	ssize_t n = fgetxattr(src, CT_XATTR_LOV, lov, sizeof(lov));
	if (n < 0) {
		logmsg(0, "cannot get stripe info of " DFID ": %s", PFID(fid), strerror(errno));
		return;
	}
	__u32 magic;
	memcpy(&magic, lov, sizeof(magic));
	if (n >= 32 && (magic == 0x0BD10BD0 || magic == 0x0BD30BD0)) { /* LOV_USER_MAGIC_V1 / _V3 */
		__u16 offset = 0xffff;
		memcpy(lov + 30, &offset, sizeof(offset)); /* lmm_stripe_offset */
	}
	snprintf(lov_file, sizeof(lov_file), "%s.lov", file);
	int fd = open(lov_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, lov, (size_t)n) != n || close(fd) != 0) {
		logmsg(0, "cannot save stripe info of " DFID " in %s: %s", PFID(fid), lov_file, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(lov_file);
	}
}

/* lhsmtool_posix.c ct_load_stripe: the layout saved beside the archive copy; its size, or 0 without one. */
static size_t load_stripe(const struct lu_fid *fid, unsigned char *lov, size_t size)
{
	char path[PATH_MAX], lov_file[PATH_MAX + 8];
	struct lu_fid f = *fid;
	if (archive_path(&f, path, sizeof(path)) != 0)
		return 0;
	snprintf(lov_file, sizeof(lov_file), "%s.lov", path);
	int fd = open(lov_file, O_RDONLY);
	if (fd < 0) {
		logmsg(1, "cannot get stripe rules of " DFID " (%s), use default", PFID(fid), strerror(errno));
		return 0;
	}
	ssize_t n = read(fd, lov, size);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

static int do_archive(struct hsm_copyaction_private *hcp, const struct hsm_action_item *hai, int slot, __u64 *bytes)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	struct lu_fid fid = hai->hai_fid;
	int rc = archive_path(&fid, path, sizeof(path));
	if (rc != 0)
		return rc;
	snprintf(tmp, sizeof(tmp), "%s_tmp", path);
	if ((rc = mkdir_parents(path)) != 0)
		return rc;
	int src = llapi_hsm_action_get_fd(hcp);
	if (src < 0)
		return src;
	int dst = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (dst < 0) {
		rc = -errno;
		close(src);
		return rc;
	}
	save_stripe(src, tmp, &fid);
	rc = copy_data(hcp, src, dst, hai->hai_extent.length, slot, bytes);
	if (rc == 0 && fsync(dst) != 0)
		rc = -errno;
	close(dst);
	close(src);
	char lov_tmp[PATH_MAX + 16], lov_path[PATH_MAX + 8];
	snprintf(lov_tmp, sizeof(lov_tmp), "%s.lov", tmp);
	snprintf(lov_path, sizeof(lov_path), "%s.lov", path);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc == 0 && rename(lov_tmp, lov_path) != 0 && errno != ENOENT)
		logmsg(0, "cannot rename %s: %s", lov_tmp, strerror(errno));
	if (rc != 0) {
		unlink(tmp);
		unlink(lov_tmp);
	}
	return rc;
}

static int do_restore(struct hsm_copyaction_private *hcp, const struct hsm_action_item *hai, int slot, __u64 *bytes,
		      const unsigned char *lov, size_t lov_size)
{
	char path[PATH_MAX];
	struct lu_fid fid = hai->hai_fid;
	int rc = archive_path(&fid, path, sizeof(path));
	if (rc != 0)
		return rc;
	int src = open(path, O_RDONLY);
	if (src < 0)
		return -errno;
	int dst = llapi_hsm_action_get_fd(hcp);
	if (dst < 0) {
		close(src);
		return dst;
	}
	/* lhsmtool_posix.c ct_restore_stripe: "the layout cannot be allocated through .fid so we have to restore a
	 * layout"; a layout that cannot be set fails the restore */
	if (lov_size > 0 && fsetxattr(dst, CT_XATTR_LOV, lov, lov_size, XATTR_CREATE) != 0) {
		rc = -errno;
		logmsg(0, "cannot restore file striping info of " DFID ": %s", PFID(&fid), strerror(-rc));
		close(dst);
		close(src);
		return rc;
	}
	rc = copy_data(hcp, src, dst, hai->hai_extent.length, slot, bytes);
	close(dst);
	close(src);
	return rc;
}

static int do_remove(const struct hsm_action_item *hai)
{
	char path[PATH_MAX];
	struct lu_fid fid = hai->hai_fid;
	int rc = archive_path(&fid, path, sizeof(path));
	if (rc != 0)
		return rc;
	/* as lhsmtool_posix's ct_remove: an archive copy that is not there fails the REMOVE with ENOENT (sanity-hsm
	 * 224a expects HE_REMOVE|ENOENT then) */
	if (unlink(path) != 0)
		return -errno;
	char lov_file[PATH_MAX + 8];
	snprintf(lov_file, sizeof(lov_file), "%s.lov", path);
	unlink(lov_file);
	return 0;
}

static const char *action_name(__u32 action)
{
	switch (action) {
	case HSMA_ARCHIVE: return "ARCHIVE";
	case HSMA_RESTORE: return "RESTORE";
	case HSMA_REMOVE: return "REMOVE";
	case HSMA_CANCEL: return "CANCEL";
	default: return "UNKNOWN";
	}
}

/* One action, in its own thread: begin, copy, end. */
static void *process_action(void *arg)
{
	struct hsm_action_item *hai = arg;
	struct lu_fid fid = hai->hai_fid;
	struct hsm_copyaction_private *hcp = NULL;
	__u64 bytes = 0;
	logmsg(1, "%s " DFID " cookie=%#llx", action_name(hai->hai_action), PFID(&fid),
	       (unsigned long long)hai->hai_cookie);
	int slot = running_add(hai->hai_cookie, &fid);
	int mdt_index = -1;
	int rc = 0;
	static __thread unsigned char lov[CT_LOV_MAX];
	size_t lov_size = 0;
	if (hai->hai_action == HSMA_RESTORE) {
		lov_size = load_stripe(&fid, lov, sizeof(lov));
		if (opt.restore_mdt_index_set) {
			mdt_index = opt.restore_mdt_index;
		} else {
			int mnt_fd = open(opt.mnt, O_RDONLY | O_DIRECTORY);
			rc = mnt_fd < 0 ? -errno : llapi_get_mdt_index_by_fid(mnt_fd, &fid, &mdt_index);
			if (mnt_fd >= 0)
				close(mnt_fd);
			if (rc > 0)
				rc = 0;
			if (rc < 0)
				logmsg(0, "cannot get mdt index " DFID ": %s", PFID(&fid), strerror(-rc));
		}
	}
	if (rc == 0)
		rc = llapi_hsm_action_begin(&hcp, ctdata, hai, mdt_index, lov_size > 0 ? CT_LOV_DELAY_CREATE : 0, false);
	if (rc != 0) {
		logmsg(0, "action_begin " DFID " failed: %s", PFID(&fid), strerror(-rc));
		/* is_error begin so that the coordinator hears about the failure */
		if (llapi_hsm_action_begin(&hcp, ctdata, hai, -1, 0, true) == 0) {
			struct hsm_extent he = hai->hai_extent;
			llapi_hsm_action_end(&hcp, &he, 0, -rc);
		}
		goto out;
	}
	if (opt.fail_with != 0) {
		struct hsm_extent he = { .offset = hai->hai_extent.offset, .length = 0 };
		rc = llapi_hsm_action_end(&hcp, &he, opt.retry ? HP_FLAG_RETRY : 0, opt.fail_with);
		logmsg(1, "%s " DFID " failed on purpose with %s (end: %d)", action_name(hai->hai_action), PFID(&fid),
		       strerror(opt.fail_with), rc);
		goto out;
	}
	switch (hai->hai_action) {
	case HSMA_ARCHIVE:
		rc = do_archive(hcp, hai, slot, &bytes);
		break;
	case HSMA_RESTORE:
		rc = do_restore(hcp, hai, slot, &bytes, lov, lov_size);
		break;
	case HSMA_REMOVE:
		rc = do_remove(hai);
		break;
	default:
		rc = -EINVAL;
	}
	struct hsm_extent he = { .offset = hai->hai_extent.offset, .length = bytes };
	int end = llapi_hsm_action_end(&hcp, &he, 0, rc < 0 ? -rc : rc);
	if (rc != 0 || end != 0)
		logmsg(0, "%s " DFID " done: %s (end: %s)", action_name(hai->hai_action), PFID(&fid), strerror(-rc),
		       strerror(-end));
	else
		logmsg(1, "%s " DFID " done (%llu bytes)", action_name(hai->hai_action), PFID(&fid),
		       (unsigned long long)bytes);
out:
	running_remove(slot);
	free(hai);
	return NULL;
}

/* One line per action list, as lhsmtool_posix traces each ("copytool fs=%s archive#=%d item_count=%d"), with the
 * FIDs of its items: tests read from it which actions came together. */
static void log_list(struct hsm_action_list *hal)
{
	char fids[4096] = "";
	size_t used = 0;
	struct hsm_action_item *hai = hai_first(hal);
	for (__u32 i = 0; i < hal->hal_count && used < sizeof(fids); i++, hai = hai_next(hai)) {
		struct lu_fid fid = hai->hai_fid; /* hsm_action_item is packed: no pointer into it */
		int n = snprintf(fids + used, sizeof(fids) - used, " " DFID, PFID(&fid));
		used = n < 0 ? sizeof(fids) : used + (size_t)n;
	}
	logmsg(1, "action list fs=%s archive#=%u item_count=%u fids:%s%s", hal->hal_fsname, hal->hal_archive_id,
	       hal->hal_count, fids, used >= sizeof(fids) ? " ..." : "");
}

static int handle_list(struct hsm_action_list *hal)
{
	struct hsm_action_item *hai = hai_first(hal);
	log_list(hal);
	for (__u32 i = 0; i < hal->hal_count; i++, hai = hai_next(hai)) {
		if (hai->hai_action == HSMA_CANCEL) {
			struct lu_fid fid = hai->hai_fid;
			bool found = running_cancel(hai->hai_cookie, &fid);
			logmsg(1, "CANCEL cookie=%#llx %s", (unsigned long long)hai->hai_cookie,
			       found ? "stopping" : "not running here");
			continue;
		}
		struct hsm_action_item *copy = malloc(hai->hai_len);
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, hai, hai->hai_len);
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		int rc = pthread_create(&t, &attr, process_action, copy);
		pthread_attr_destroy(&attr);
		if (rc != 0) {
			free(copy);
			return -rc;
		}
	}
	return 0;
}

/* --import: a released file for an archive copy that already exists, filed under the new FID. */
static int import_one(void)
{
	char src[PATH_MAX], dst_archive[PATH_MAX];
	struct stat st;
	struct lu_fid fid;
	snprintf(src, sizeof(src), "%s/%s", opt.hsm_root, opt.import_src);
	if (stat(src, &st) != 0) {
		logmsg(0, "cannot stat %s: %s", src, strerror(errno));
		return 1;
	}
	int archive = opt.archive_count > 0 ? opt.archives[0] : 1;
	int rc = llapi_hsm_import(opt.import_dst, archive, &st, 0, -1, 0, 0, NULL, &fid);
	if (rc != 0) {
		logmsg(0, "cannot import %s: %s", opt.import_dst, strerror(-rc));
		return 1;
	}
	if (archive_path(&fid, dst_archive, sizeof(dst_archive)) != 0 || mkdir_parents(dst_archive) != 0 ||
	    link(src, dst_archive) != 0) {
		logmsg(0, "cannot file the archive copy of " DFID ": %s", PFID(&fid), strerror(errno));
		return 1;
	}
	logmsg(1, "imported %s as " DFID " from %s", opt.import_dst, PFID(&fid), src);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: hsmsim-posix-copytool [--archive N]... --hsm-root DIR [--chunk-size BYTES] "
			"[--update-interval SECONDS] [--bandwidth MB] [--event-fifo PATH] [--quiet|--verbose] "
			"[--fail-with ERRNO [--retry]] [--restore-mdt-index N] [--gate FILE] MOUNTPOINT\n"
			"       hsmsim-posix-copytool [--archive N] --hsm-root DIR --import SRC DST MOUNTPOINT\n");
	return 22;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "archive", required_argument, NULL, 'A' },	{ "hsm-root", required_argument, NULL, 'p' },
		{ "hsm_root", required_argument, NULL, 'p' },	{ "chunk-size", required_argument, NULL, 'c' },
		{ "update-interval", required_argument, NULL, 'u' }, { "bandwidth", required_argument, NULL, 'b' },
		{ "event-fifo", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },		{ "import", required_argument, NULL, 'i' },
		{ "fail-with", required_argument, NULL, 'F' },	{ "retry", no_argument, NULL, 'R' },
		{ "restore-mdt-index", required_argument, NULL, 'M' }, { "gate", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "A:p:c:u:b:f:qv", opts, NULL)) != -1) {
		switch (c) {
		case 'A':
			if (opt.archive_count >= MAX_ARCHIVES)
				return usage();
			opt.archives[opt.archive_count++] = atoi(optarg);
			break;
		case 'p': opt.hsm_root = optarg; break;
		case 'c': opt.chunk_size = strtoull(optarg, NULL, 0); break;
		case 'u': opt.update_interval = atoi(optarg); break;
		case 'b': opt.bandwidth = atoll(optarg) * 1000000LL; break;
		case 'f': opt.event_fifo = optarg; break;
		case 'q': opt.verbose = 0; break;
		case 'v': opt.verbose = 2; break;
		case 'i': opt.import_src = optarg; break;
		case 'F': opt.fail_with = atoi(optarg); break;
		case 'R': opt.retry = true; break;
		case 'G': opt.gate = optarg; break;
		case 'M':
			opt.restore_mdt_index_set = true;
			opt.restore_mdt_index = atoi(optarg);
			break;
		default: return usage();
		}
	}
	if (opt.import_src != NULL) {
		/* --import SRC DST MOUNTPOINT */
		if (optind != argc - 2 || opt.hsm_root == NULL)
			return usage();
		opt.import_dst = argv[optind];
		return import_one();
	}
	if (optind != argc - 1 || opt.hsm_root == NULL || opt.chunk_size == 0 || opt.update_interval <= 0)
		return usage();
	opt.mnt = argv[optind];
	if (opt.event_fifo != NULL) {
		int rc = llapi_hsm_register_event_fifo(opt.event_fifo);
		if (rc != 0) {
			logmsg(0, "cannot open event fifo %s: %s", opt.event_fifo, strerror(-rc));
			return 1;
		}
	}
	int rc = llapi_hsm_copytool_register(&ctdata, opt.mnt, opt.archive_count, opt.archives, O_NONBLOCK);
	if (rc != 0) {
		logmsg(0, "cannot start copytool interface on %s: %s", opt.mnt, strerror(-rc));
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	logmsg(1, "registered on %s", opt.mnt);
	int fd = llapi_hsm_copytool_get_fd(ctdata);
	while (!stop_requested) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 500) <= 0)
			continue;
		struct hsm_action_list *hal;
		int msgsize;
		rc = llapi_hsm_copytool_recv(ctdata, &hal, &msgsize);
		if (rc == -EAGAIN || rc == -EINTR)
			continue;
		if (rc == -ESHUTDOWN) {
			logmsg(1, "file system is shutting down");
			break;
		}
		if (rc != 0) {
			logmsg(0, "cannot receive action list: %s", strerror(-rc));
			break;
		}
		rc = handle_list(hal);
		if (rc != 0)
			logmsg(0, "cannot process action list: %s", strerror(-rc));
	}
	/* as lhsmtool_posix: unregister and leave; requests in flight wait for their timeout */
	llapi_hsm_copytool_unregister(&ctdata);
	if (opt.event_fifo != NULL)
		llapi_hsm_unregister_event_fifo(opt.event_fifo);
	_exit(stop_requested ? 1 : 0);
}

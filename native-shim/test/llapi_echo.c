/*
 * libllapi_echo.so: a test library with the liblustreapi entry points of include/lustre/lustreapi.h whose only job
 * is to report, in text, the arguments each call received, and to hand back fixed, recognisable results.
 *
 * It is not a simulator (that is libhsmsim.so): it lets the Java binding's marshalling be checked by C code
 * compiled against the real prototypes (argument order, widths, by-reference out-parameters, struct pointers)
 * without a coordinator. Java reads the report with llapi_echo_last_call().
 *
 * Conventions the Java test relies on:
 *   - a path, mount or MDT name "/fail-N" (or "fail-N") makes the call return -N;
 *   - hai_data "fail-N" makes llapi_hsm_action_begin return -N;
 *   - numbers are printed in unsigned decimal, FIDs as SFID, bytes as lower hex.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lustre/lustreapi.h>

#define ECHO_EXPORT __attribute__((visibility("default")))

static char last_call[8192];

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_call, sizeof(last_call), fmt, ap);
	va_end(ap);
}

static void report_more(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void report_more(const char *fmt, ...)
{
	size_t used = strlen(last_call);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_call + used, sizeof(last_call) - used, fmt, ap);
	va_end(ap);
}

static void report_hex(const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		report_more("%02x", p[i]);
}

/* "/fail-N" or "fail-N" => N, else 0 */
static int failure_of(const char *text)
{
	const char *p;

	if (text == NULL)
		return 0;
	p = strstr(text, "fail-");
	return p != NULL ? atoi(p + 5) : 0;
}

/* Copies the whole report (NUL-terminated, truncated to len) and returns its length. */
ECHO_EXPORT int llapi_echo_last_call(char *buf, int len)
{
	snprintf(buf, len, "%s", last_call);
	return strlen(last_call);
}

/* ---------------------------------------------------------------- the library's own messages */

static int msg_level = LLAPI_MSG_MAX;
static llapi_log_callback_t error_callback;
static llapi_log_callback_t info_callback;

ECHO_EXPORT void llapi_msg_set_level(int level)
{
	report("llapi_msg_set_level level=%d", level);
	msg_level = level;
}

ECHO_EXPORT int llapi_msg_get_level(void)
{
	return msg_level;
}

ECHO_EXPORT llapi_log_callback_t llapi_error_callback_set(llapi_log_callback_t cb)
{
	llapi_log_callback_t old = error_callback;
	error_callback = cb;
	return old;
}

ECHO_EXPORT llapi_log_callback_t llapi_info_callback_set(llapi_log_callback_t cb)
{
	llapi_log_callback_t old = info_callback;
	info_callback = cb;
	return old;
}

static void call_back(llapi_log_callback_t cb, int level, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cb((enum llapi_message_level)level, err, fmt, ap);
	va_end(ap);
}

/*
 * Not in liblustreapi: calls the installed error (info = 0) or info (info = 1) callback as llapi_error does, with a
 * va_list of mixed arguments (a string, an int, a long long, a double: general and floating-point registers), so the
 * Java callback's formatting can be checked. Returns -ENOENT when no callback is installed.
 */
ECHO_EXPORT int llapi_echo_log(int info, int level, int err, const char *text)
{
	llapi_log_callback_t cb = info ? info_callback : error_callback;
	if (cb == NULL)
		return -ENOENT;
	call_back(cb, level, err, "%s: %d %lld %.1f", text, 42, -7LL, 2.5);
	return 0;
}

/* ---------------------------------------------------------------- copytool side */

struct hsm_copytool_private {
	int recv_calls;
	_Alignas(8) char hal[4096];
};

struct hsm_copyaction_private {
	struct hsm_action_item *hai;
};

ECHO_EXPORT int llapi_hsm_copytool_register(struct hsm_copytool_private **priv, const char *mnt,
					    int archive_count, int *archives, int rfd_flags)
{
	report("llapi_hsm_copytool_register mnt=%s archive_count=%d archives=", mnt, archive_count);
	for (int i = 0; i < archive_count; i++)
		report_more("%s%d", i ? "," : "", archives[i]);
	report_more(" rfd_flags=%d", rfd_flags);
	if (failure_of(mnt))
		return -failure_of(mnt);
	*priv = calloc(1, sizeof(**priv));
	return *priv != NULL ? 0 : -ENOMEM;
}

ECHO_EXPORT int llapi_hsm_copytool_unregister(struct hsm_copytool_private **priv)
{
	report("llapi_hsm_copytool_unregister priv=%s", *priv != NULL ? "set" : "null");
	free(*priv);
	*priv = NULL;
	return 0;
}

ECHO_EXPORT int llapi_hsm_copytool_get_fd(struct hsm_copytool_private *ct)
{
	report("llapi_hsm_copytool_get_fd priv=%s", ct != NULL ? "set" : "null");
	return 17;
}

/* Odd calls deliver a one-item list (an ARCHIVE with data "abc"), even calls return -EAGAIN. */
ECHO_EXPORT int llapi_hsm_copytool_recv(struct hsm_copytool_private *ct, struct hsm_action_list **hal,
					int *msgsize)
{
	struct hsm_action_list *list = (struct hsm_action_list *)ct->hal;
	struct hsm_action_item *hai;

	ct->recv_calls++;
	report("llapi_hsm_copytool_recv call=%d", ct->recv_calls);
	if (ct->recv_calls % 2 == 0)
		return -EAGAIN;
	memset(ct->hal, 0, sizeof(ct->hal));
	list->hal_version = HAL_VERSION;
	list->hal_count = 1;
	list->hal_compound_id = 77;
	list->hal_archive_id = 2;
	strcpy(list->hal_fsname, "echofs");
	hai = hai_first(list);
	hai->hai_len = sizeof(*hai) + 3;
	hai->hai_action = HSMA_ARCHIVE;
	hai->hai_fid = (struct lu_fid){ .f_seq = 0x200000401ULL, .f_oid = 0x5, .f_ver = 0 };
	hai->hai_dfid = (struct lu_fid){ .f_seq = 0x200000401ULL, .f_oid = 0x6, .f_ver = 0 };
	hai->hai_extent.offset = 0;
	hai->hai_extent.length = ~0ULL;
	hai->hai_cookie = 0xc0c0;
	hai->hai_gid = 0;
	memcpy(hai->hai_data, "abc", 3);
	*hal = list;
	*msgsize = (char *)hai_next(hai) - ct->hal;
	return 0;
}

ECHO_EXPORT int llapi_hsm_action_begin(struct hsm_copyaction_private **phcp, const struct hsm_copytool_private *ct,
				       const struct hsm_action_item *hai, int restore_mdt_index,
				       int restore_open_flags, bool is_error)
{
	struct hsm_copyaction_private *hcp;
	char data[64] = { 0 };
	size_t datalen = hai->hai_len - sizeof(*hai);
	struct lu_fid fid = hai->hai_fid;

	report("llapi_hsm_action_begin priv=%s hai_len=%u action=%u fid=" SFID " cookie=%llu data=",
	       ct != NULL ? "set" : "null", hai->hai_len, hai->hai_action, PFID(&fid),
	       (unsigned long long)hai->hai_cookie);
	report_hex(hai->hai_data, datalen);
	report_more(" mdt=%d open_flags=%d is_error=%d", restore_mdt_index, restore_open_flags, is_error ? 1 : 0);
	memcpy(data, hai->hai_data, datalen < sizeof(data) - 1 ? datalen : sizeof(data) - 1);
	if (failure_of(data))
		return -failure_of(data);
	hcp = calloc(1, sizeof(*hcp));
	if (hcp == NULL)
		return -ENOMEM;
	hcp->hai = malloc(hai->hai_len);
	if (hcp->hai == NULL) {
		free(hcp);
		return -ENOMEM;
	}
	memcpy(hcp->hai, hai, hai->hai_len);
	*phcp = hcp;
	return 0;
}

ECHO_EXPORT int llapi_hsm_action_end(struct hsm_copyaction_private **phcp, const struct hsm_extent *he,
				     int hp_flags, int errval)
{
	report("llapi_hsm_action_end hcp=%s offset=%llu length=%llu flags=%d errval=%d",
	       *phcp != NULL ? "set" : "null", (unsigned long long)he->offset, (unsigned long long)he->length,
	       hp_flags, errval);
	if (*phcp != NULL)
		free((*phcp)->hai);
	free(*phcp);
	*phcp = NULL;
	/* like liblustreapi: the handle is gone whatever the outcome; errval 5 pretends COPY_END failed */
	return errval == EIO ? -EIO : 0;
}

/* Returns -ECANCELED once offset reaches 1 GiB, to exercise the error path. */
ECHO_EXPORT int llapi_hsm_action_progress(struct hsm_copyaction_private *hcp, const struct hsm_extent *he,
					  __u64 total, int hp_flags)
{
	report("llapi_hsm_action_progress hcp=%s offset=%llu length=%llu total=%llu flags=%d",
	       hcp != NULL ? "set" : "null", (unsigned long long)he->offset, (unsigned long long)he->length,
	       (unsigned long long)total, hp_flags);
	return he->offset >= (1ULL << 30) ? -ECANCELED : 0;
}

ECHO_EXPORT int llapi_hsm_action_get_dfid(const struct hsm_copyaction_private *hcp, struct lu_fid *fid)
{
	report("llapi_hsm_action_get_dfid");
	*fid = hcp->hai->hai_dfid;
	return 0;
}

ECHO_EXPORT int llapi_hsm_action_get_fd(const struct hsm_copyaction_private *hcp)
{
	report("llapi_hsm_action_get_fd");
	return hcp->hai->hai_action == HSMA_REMOVE ? -EINVAL : 23;
}

ECHO_EXPORT int llapi_hsm_import(const char *dst, int archive, const struct stat *st, unsigned long long stripe_size,
				 int stripe_offset, int stripe_count, enum lov_pattern stripe_pattern, char *pool_name,
				 struct lu_fid *newfid)
{
	report("llapi_hsm_import dst=%s archive=%d size=%llu mode=%o uid=%u gid=%u atime=%lld.%09ld "
	       "mtime=%lld.%09ld stripe_size=%llu stripe_offset=%d stripe_count=%d pattern=%d pool=%s",
	       dst, archive, (unsigned long long)st->st_size, st->st_mode, st->st_uid, st->st_gid,
	       (long long)st->st_atim.tv_sec, st->st_atim.tv_nsec, (long long)st->st_mtim.tv_sec,
	       st->st_mtim.tv_nsec, stripe_size, stripe_offset, stripe_count, (int)stripe_pattern,
	       pool_name != NULL ? pool_name : "(null)");
	if (failure_of(dst))
		return -failure_of(dst);
	*newfid = (struct lu_fid){ .f_seq = 0x200000bbbULL, .f_oid = (__u32)archive, .f_ver = 0 };
	return 0;
}

/* ---------------------------------------------------------------- user side */

static int fill_state(struct hsm_user_state *hus)
{
	hus->hus_states = HS_EXISTS | HS_ARCHIVED | HS_RELEASED;
	hus->hus_archive_id = 4;
	hus->hus_in_progress_state = HPS_RUNNING;
	hus->hus_in_progress_action = HUA_RESTORE;
	hus->hus_in_progress_location.offset = 10;
	hus->hus_in_progress_location.length = 20;
	return 0;
}

ECHO_EXPORT int llapi_hsm_state_get_fd(int fd, struct hsm_user_state *hus)
{
	report("llapi_hsm_state_get_fd fd=%d", fd);
	return fill_state(hus);
}

ECHO_EXPORT int llapi_hsm_state_get(const char *path, struct hsm_user_state *hus)
{
	report("llapi_hsm_state_get path=%s", path);
	if (failure_of(path))
		return -failure_of(path);
	return fill_state(hus);
}

ECHO_EXPORT int llapi_hsm_state_set_fd(int fd, __u64 setmask, __u64 clearmask, __u32 archive_id)
{
	report("llapi_hsm_state_set_fd fd=%d set=%llu clear=%llu archive_id=%u", fd, (unsigned long long)setmask,
	       (unsigned long long)clearmask, archive_id);
	return 0;
}

ECHO_EXPORT int llapi_hsm_state_set(const char *path, __u64 setmask, __u64 clearmask, __u32 archive_id)
{
	report("llapi_hsm_state_set path=%s set=%llu clear=%llu archive_id=%u", path, (unsigned long long)setmask,
	       (unsigned long long)clearmask, archive_id);
	return failure_of(path) ? -failure_of(path) : 0;
}

ECHO_EXPORT int llapi_hsm_current_action(const char *path, struct hsm_current_action *hca)
{
	report("llapi_hsm_current_action path=%s", path);
	hca->hca_state = HPS_WAITING;
	hca->hca_action = HUA_ARCHIVE;
	hca->hca_location.offset = 0;
	hca->hca_location.length = ~0ULL;
	return 0;
}

ECHO_EXPORT struct hsm_user_request *llapi_hsm_user_request_alloc(int itemcount, int data_len)
{
	report("llapi_hsm_user_request_alloc itemcount=%d data_len=%d", itemcount, data_len);
	return calloc(1, sizeof(struct hsm_user_request) + itemcount * sizeof(struct hsm_user_item) + data_len);
}

ECHO_EXPORT int llapi_hsm_request(const char *path, const struct hsm_user_request *request)
{
	struct hsm_user_request *hur = (struct hsm_user_request *)request;

	report("llapi_hsm_request path=%s action=%u archive_id=%u flags=%llu itemcount=%u data_len=%u items=", path,
	       hur->hur_request.hr_action, hur->hur_request.hr_archive_id,
	       (unsigned long long)hur->hur_request.hr_flags, hur->hur_request.hr_itemcount,
	       hur->hur_request.hr_data_len);
	for (unsigned int i = 0; i < hur->hur_request.hr_itemcount; i++) {
		struct lu_fid fid = hur->hur_user_item[i].hui_fid;
		struct hsm_extent he = hur->hur_user_item[i].hui_extent;

		report_more("%s" SFID "@%llu+%llu", i ? "," : "", PFID(&fid), (unsigned long long)he.offset,
			    (unsigned long long)he.length);
	}
	report_more(" data=");
	report_hex(hur_data(hur), hur->hur_request.hr_data_len);
	return failure_of(path) ? -failure_of(path) : 0;
}

ECHO_EXPORT int llapi_hsm_data_version_set(int fd, __u64 data_version)
{
	report("llapi_hsm_data_version_set fd=%d dv=%llu", fd, (unsigned long long)data_version);
	return 0;
}

/* ---------------------------------------------------------------- FIDs and data versions */

ECHO_EXPORT int llapi_fid2path(const char *device, const char *fidstr, char *path, int pathlen, long long *recno,
			       int *linkno)
{
	report("llapi_fid2path device=%s fid=%s pathlen=%d recno=%lld linkno=%d", device, fidstr, pathlen, *recno,
	       *linkno);
	if (failure_of(device))
		return -failure_of(device);
	snprintf(path, pathlen, "dir/file-%d", *linkno);
	*linkno += 1;
	return 0;
}

ECHO_EXPORT int llapi_path2fid(const char *path, struct lu_fid *fid)
{
	report("llapi_path2fid path=%s", path);
	if (failure_of(path))
		return -failure_of(path);
	*fid = (struct lu_fid){ .f_seq = 0x200000401ULL, .f_oid = (__u32)strlen(path), .f_ver = 0 };
	return 0;
}

ECHO_EXPORT int llapi_fd2fid(int fd, struct lu_fid *fid)
{
	report("llapi_fd2fid fd=%d", fd);
	*fid = (struct lu_fid){ .f_seq = 0x200000402ULL, .f_oid = (__u32)fd, .f_ver = 1 };
	return 0;
}

ECHO_EXPORT int llapi_get_data_version(int fd, __u64 *data_version, __u64 flags)
{
	report("llapi_get_data_version fd=%d flags=%llu", fd, (unsigned long long)flags);
	*data_version = 0x100000000ULL + (__u64)fd;
	return 0;
}

/* ---------------------------------------------------------------- changelogs */

struct echo_changelog {
	int delivered;
};

ECHO_EXPORT int llapi_changelog_start(void **priv, enum changelog_send_flag flags, const char *mdtname,
				      long long startrec)
{
	report("llapi_changelog_start flags=%d mdt=%s startrec=%lld", (int)flags, mdtname, startrec);
	if (failure_of(mdtname))
		return -failure_of(mdtname);
	*priv = calloc(1, sizeof(struct echo_changelog));
	return *priv != NULL ? 0 : -ENOMEM;
}

ECHO_EXPORT int llapi_changelog_fini(void **priv)
{
	report("llapi_changelog_fini priv=%s", *priv != NULL ? "set" : "null");
	free(*priv);
	*priv = NULL;
	return 0;
}

/* One CL_CREATE record with a jobid and the name "newfile", then end of log (1). */
ECHO_EXPORT int llapi_changelog_recv(void *priv, struct changelog_rec **rech)
{
	struct echo_changelog *cl = priv;
	const char *name = "newfile";
	struct changelog_rec *rec;
	struct changelog_ext_jobid *jid;

	report("llapi_changelog_recv delivered=%d", cl->delivered);
	if (cl->delivered++ > 0)
		return 1;
	rec = calloc(1, sizeof(*rec) + sizeof(*jid) + strlen(name));
	if (rec == NULL)
		return -ENOMEM;
	rec->cr_namelen = strlen(name);
	rec->cr_flags = CLF_VERSION | CLF_JOBID;
	rec->cr_type = CL_CREATE;
	rec->cr_index = 500;
	rec->cr_tfid = (struct lu_fid){ .f_seq = 0x200000401ULL, .f_oid = 0x9, .f_ver = 0 };
	jid = (struct changelog_ext_jobid *)(rec + 1);
	strcpy(jid->cr_jobid, "cp.0");
	memcpy((char *)(jid + 1), name, strlen(name));
	*rech = rec;
	return 0;
}

ECHO_EXPORT int llapi_changelog_free(struct changelog_rec **rech)
{
	report_more("; llapi_changelog_free rec=%s", *rech != NULL ? "set" : "null");
	free(*rech);
	*rech = NULL;
	return 0;
}

ECHO_EXPORT int llapi_changelog_get_fd(void *priv)
{
	report("llapi_changelog_get_fd priv=%s", priv != NULL ? "set" : "null");
	return 31;
}

ECHO_EXPORT int llapi_changelog_clear(const char *mdtname, const char *idstr, long long endrec)
{
	report("llapi_changelog_clear mdt=%s id=%s endrec=%lld", mdtname, idstr, endrec);
	return failure_of(mdtname) ? -failure_of(mdtname) : 0;
}

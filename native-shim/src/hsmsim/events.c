/*
 * The JSON event FIFO of llapi_hsm_register_event_fifo, as lustre/utils/liblustreapi_hsm.c (262-545) and
 * liblustreapi_json.c write it: one object per line, at most PIPE_BUF bytes, "key": value pairs separated by ", ",
 * in the reverse of the order they were added (llapi_json_add_item prepends), so event_time comes first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hsmsim_internal.h"

static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;
static int event_fd = -1;
static bool created_fifo; /* unlinked again at unregister, as liblustreapi does */

HSMSIM_EXPORT int llapi_hsm_register_event_fifo(const char *path)
{
	if (path == NULL)
		return -EINVAL;
	bool created = true;
	if (mkfifo(path, 0644) < 0) {
		if (errno != EEXIST) {
			llapi_error(LLAPI_MSG_ERROR, errno, "mkfifo(%s) failed", path);
			return -errno;
		}
		/* something is there already: only a FIFO of mode exactly 0644 is taken (liblustreapi_hsm.c 467-479) */
		created = false;
		struct stat st;
		if (stat(path, &st) < 0) {
			llapi_error(LLAPI_MSG_ERROR, errno, "mkfifo(%s) failed", path);
			return -errno;
		}
		if (!S_ISFIFO(st.st_mode) || (st.st_mode & 0777) != 0644) {
			errno = EEXIST; /* what mkfifo left: the real library returns it */
			llapi_error(LLAPI_MSG_ERROR, errno, "%s exists but is not a pipe or has a wrong mode", path);
			return -errno;
		}
	}
	/*
	 * Open a read end so that the non-blocking write open succeeds without a reader, then close it. A monitor may
	 * attach later (one at a time); events written while nobody reads are lost.
	 */
	int read_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (read_fd < 0) {
		llapi_error(LLAPI_MSG_ERROR, errno, "cannot open(%s) for read", path);
		return -errno;
	}
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	int saved = errno;
	close(read_fd);
	if (fd < 0) {
		llapi_error(LLAPI_MSG_ERROR, saved, "cannot open(%s) for write", path);
		return -saved;
	}
	/* a reader that goes away must not kill the copytool */
	struct sigaction ignore;
	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, NULL);
	pthread_mutex_lock(&event_lock);
	if (event_fd >= 0)
		close(event_fd);
	event_fd = fd;
	created_fifo = created;
	pthread_mutex_unlock(&event_lock);
	return 0;
}

HSMSIM_EXPORT int llapi_hsm_unregister_event_fifo(const char *path)
{
	int rc = 0;
	pthread_mutex_lock(&event_lock);
	if (event_fd >= 0) {
		if (close(event_fd) < 0)
			rc = -errno;
		if (rc == 0 && created_fifo && path != NULL)
			unlink(path);
		created_fifo = false;
		event_fd = -1;
	}
	pthread_mutex_unlock(&event_lock);
	return rc;
}

/* ------------------------------------------------------------------ one event */

enum json_type { JSON_INTEGER, JSON_BIGNUM, JSON_STRING };

struct json_item {
	const char *key;
	enum json_type type;
	int integer;
	unsigned long long bignum;
	char string[PATH_MAX];
};

struct json_event {
	int count;
	struct json_item items[8];
};

static struct json_item *add(struct json_event *e, const char *key, enum json_type type)
{
	struct json_item *item = &e->items[e->count++];
	item->key = key;
	item->type = type;
	return item;
}

static void add_string(struct json_event *e, const char *key, const char *value)
{
	snprintf(add(e, key, JSON_STRING)->string, PATH_MAX, "%s", value);
}

static void add_integer(struct json_event *e, const char *key, int value)
{
	add(e, key, JSON_INTEGER)->integer = value;
}

static void add_bignum(struct json_event *e, const char *key, unsigned long long value)
{
	add(e, key, JSON_BIGNUM)->bignum = value;
}

/* Appends to out (size bytes, *len used), truncating like a full fmemopen buffer. */
static void append(char *out, size_t size, size_t *len, const char *text)
{
	size_t n = strlen(text);
	if (*len + n >= size)
		n = size - 1 - *len;
	memcpy(out + *len, text, n);
	*len += n;
	out[*len] = '\0';
}

/*
 * liblustreapi_json.c json_escape_string, byte for byte: its replacement strings are written "\\\\n" in C, so each
 * special character becomes TWO backslashes and a letter ("\\n"), a backslash becomes four, and a double quote
 * becomes \\" (which ends the JSON string early). Monitoring tools see this from a real Lustre, so they see it here.
 */
static void append_escaped(char *out, size_t size, size_t *len, const char *text)
{
	static const char specials[] = { '\b', '\f', '\n', '\r', '\t', '"', '\\', '\0' };
	static const char *const replacements[] = { "\\\\b", "\\\\f", "\\\\n", "\\\\r", "\\\\t", "\\\\\"",
						    "\\\\\\\\" };
	for (const char *c = text; *c != '\0'; c++) {
		const char *special = strchr(specials, *c);
		if (special != NULL) {
			append(out, size, len, replacements[special - specials]);
		} else {
			char one[2] = { *c, '\0' };
			append(out, size, len, one);
		}
	}
}

static int write_event(struct json_event *e)
{
	char when[40];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %T %z", &tm);
	add_string(e, "event_time", when);

	char line[PIPE_BUF], number[32];
	size_t len = 0;
	line[0] = '\0';
	append(line, sizeof(line), &len, "{");
	for (int i = e->count - 1; i >= 0; i--) {
		const struct json_item *item = &e->items[i];
		append(line, sizeof(line), &len, "\"");
		append(line, sizeof(line), &len, item->key);
		append(line, sizeof(line), &len, "\": ");
		switch (item->type) {
		case JSON_INTEGER:
			snprintf(number, sizeof(number), "%d", item->integer);
			append(line, sizeof(line), &len, number);
			break;
		case JSON_BIGNUM:
			snprintf(number, sizeof(number), "%llu", item->bignum);
			append(line, sizeof(line), &len, number);
			break;
		case JSON_STRING:
			append(line, sizeof(line), &len, "\"");
			append_escaped(line, sizeof(line), &len, item->string);
			append(line, sizeof(line), &len, "\"");
			break;
		}
		if (i > 0)
			append(line, sizeof(line), &len, ", ");
	}
	append(line, sizeof(line), &len, "}\n");

	int rc = 0;
	pthread_mutex_lock(&event_lock);
	/* EPIPE: nobody reads now (one may come later); anything else, such as a full FIFO, is reported */
	if (event_fd >= 0 && write(event_fd, line, len) < 0 && errno != EPIPE)
		rc = -errno;
	pthread_mutex_unlock(&event_lock);
	return rc;
}

static bool fifo_registered(void)
{
	pthread_mutex_lock(&event_lock);
	bool registered = event_fd >= 0;
	pthread_mutex_unlock(&event_lock);
	return registered;
}

/* REGISTER / UNREGISTER (liblustreapi_hsm.c llapi_hsm_log_ct_registration): "archive" is the archive COUNT. */
void hsmsim_event_register(const char *type, const char *uuid, const char *mnt, int archive_count)
{
	if (!fifo_registered())
		return;
	struct json_event e = { 0 };
	add_string(&e, "uuid", uuid);
	add_string(&e, "mount_point", mnt);
	add_integer(&e, "archive", archive_count);
	add_string(&e, "event_type", type);
	int rc = write_event(&e);
	if (rc < 0)
		llapi_error(LLAPI_MSG_ERROR, rc, "error in llapi_hsm_log_ct_registration()");
}

static const char *action_name(unsigned int action)
{
	switch (action) {
	case HSMA_ARCHIVE:
		return "ARCHIVE";
	case HSMA_RESTORE:
		return "RESTORE";
	case HSMA_REMOVE:
		return "REMOVE";
	default:
		return NULL;
	}
}

/*
 * *_START / *_RUNNING / *_FINISH, or *_CANCEL / *_ERROR when errval says so (liblustreapi_hsm.c
 * llapi_hsm_log_ct_progress). lustre_path is fid2path of hai_dfid, relative to the mount; START and RUNNING carry it
 * with total_bytes (0 at START), RUNNING adds current_bytes. When the path cannot be found (a restore's RUNNING
 * events name the unlinked volatile file) no event is written and the library reports an error instead.
 */
void hsmsim_event_progress(const char *mnt, const struct hsm_action_item *hai, enum hsmsim_progress progress,
			   unsigned long long total, unsigned long long current, int errval)
{
	if (!fifo_registered())
		return;
	struct json_event e = { 0 };
	char fid[FID_NOBRACE_LEN + 1];
	struct lu_fid f = hai->hai_dfid;
	snprintf(fid, sizeof(fid), DFID_NOBRACE, PFID(&f));
	add_string(&e, "data_fid", fid);
	f = hai->hai_fid;
	snprintf(fid, sizeof(fid), DFID_NOBRACE, PFID(&f));
	add_string(&e, "source_fid", fid);
	const char *suffix = progress == HSMSIM_START ? "START" : progress == HSMSIM_RUNNING ? "RUNNING" : "FINISH";
	int rc = 0;
	if (errval == ECANCELED) {
		suffix = "CANCEL";
	} else if (errval != 0) {
		suffix = "ERROR";
		add_integer(&e, "errno", errval);
		add_string(&e, "error", strerror(errval));
	} else if (progress != HSMSIM_FINISH) {
		char dfid[FID_LEN + 1], path[PATH_MAX];
		long long recno = -1;
		int linkno = 0;
		f = hai->hai_dfid;
		snprintf(dfid, sizeof(dfid), DFID, PFID(&f));
		rc = llapi_fid2path(mnt, dfid, path, sizeof(path), &recno, &linkno);
		if (rc < 0)
			goto err;
		add_string(&e, "lustre_path", path);
		add_bignum(&e, "total_bytes", total);
		if (progress == HSMSIM_RUNNING)
			add_bignum(&e, "current_bytes", current);
	}
	const char *action = action_name(hai->hai_action);
	if (action == NULL) {
		llapi_err_noerrno(LLAPI_MSG_ERROR, "Unknown event type: %d", (int)hai->hai_action);
		rc = -EINVAL;
		goto err;
	}
	char type[32];
	snprintf(type, sizeof(type), "%s_%s", action, suffix);
	add_string(&e, "event_type", type);
	rc = write_event(&e);
	if (rc == 0)
		return;
err:
	llapi_error(LLAPI_MSG_ERROR, rc, "error in llapi_hsm_log_ct_progress()");
}

/*
 * The error callback a copytool may install (llapi_error_callback_set) to have the library's messages written to
 * the FIFO as LOGGED_MESSAGE events (liblustreapi_hsm.c llapi_hsm_log_error).
 */
HSMSIM_EXPORT void llapi_hsm_log_error(enum llapi_message_level level, int _rc, const char *fmt, va_list args)
{
	if (!fifo_registered())
		return;
	struct json_event e = { 0 };
	if ((level & LLAPI_MSG_NO_ERRNO) == 0) {
		add_integer(&e, "errno", _rc);
		add_string(&e, "error", strerror(_rc < 0 ? -_rc : _rc));
	}
	char message[PATH_MAX];
	vsnprintf(message, sizeof(message), fmt, args);
	add_string(&e, "message", message);
	int real_level = (level & LLAPI_MSG_NO_ERRNO) ? (int)level - LLAPI_MSG_NO_ERRNO : (int)level;
	const char *name = llapi_msg_level2str((enum llapi_message_level)real_level);
	add_string(&e, "level", name != NULL ? name : "");
	add_string(&e, "event_type", "LOGGED_MESSAGE");
	int rc = write_event(&e);
	if (rc < 0)
		fprintf(stderr, "\nFATAL ERROR IN llapi_hsm_log_error(): rc %d,", rc);
}

/*
 * The copytool half of liblustreapi: registration keeps one connection to the coordinator, which pushes one
 * "HAL ..." line per hsm_action_list; recv lays the list out in the exact binary format of lustre_user.h.
 *
 * As on Lustre, the copytool's fd (llapi_hsm_copytool_get_fd) is the read end of a pipe: liblustreapi's
 * libcfs_ukuc_start makes a pipe whose write end only the kernel keeps, and the kernel writes each action list to it
 * (liblustreapi_hsm.c llapi_hsm_copytool_register, liblustreapi_kernelconn.c). Here a relay thread of the library
 * plays the kernel: it reads the coordinator's lines and writes each to the pipe as one message (length, then text).
 * So the fd is pollable exactly when a list is waiting, O_NONBLOCK (rfd_flags) applies to it, and writing to it
 * fails with EBADF, as llapi_hsm_test test7 checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hsmsim_internal.h"

#define CT_MAGIC 0xC0BE11A5
#define CT_UNREGISTERED 0xDEAD11A5 /* what unregister leaves behind, see llapi_hsm_copytool_unregister */
#define CA_MAGIC 0xCA11AB1E
#define MAX_ARCHIVES 32 /* LL_HSM_MAX_ARCHIVES_PER_AGENT */

struct hsm_copytool_private {
	unsigned int magic;
	int sock;
	int mnt_fd;
	int archive_count;
	int archives[MAX_ARCHIVES];
	struct hsmsim_cluster cluster;
	char mnt[PATH_MAX]; /* as the caller gave it: the events' mount_point */
	int event_archive_count; /* lk_data_count: 0 when the list held the wildcard 0 */
	char uuid[64];
	char *line;     /* the relay thread's receive buffer for one text line from the coordinator */
	size_t line_cap;
	int pipe_r;     /* the copytool's fd: messages from the relay thread */
	int pipe_w;     /* the relay thread's end */
	pthread_t relay;
	bool relay_started;
	char *frame;    /* recv's buffer for one message read from the pipe */
	size_t frame_cap;
	char *hal_buf;  /* HAL_MAXSIZE: where recv lays out the binary list */
};

struct hsm_copyaction_private {
	unsigned int magic;
	int data_fd;
	bool is_error;
	const struct hsm_copytool_private *ct;
	struct lu_fid dfid;
	struct hsm_action_item hai; /* copied without hai_data, as liblustreapi does; a restore's hai_dfid: volatile */
};

static void *relay_main(void *arg);
static void relay_stop(struct hsm_copytool_private *ct);

/*
 * Checks a copytool handle. Real liblustreapi frees it in llapi_hsm_copytool_unregister (liblustreapi_hsm.c:810), and
 * llapi_hsm_action_begin, _progress and _end use it afterwards through hcp->ct_priv (the ioctls on ct_priv->mnt_fd,
 * :1304 and :1357): a call after unregister is a use-after-free there, a crash or an ioctl on a reused fd. The
 * simulator keeps the struct, marked, so that such a call is caught: it is reported on stderr, loudly, and fails with
 * EBADF instead of doing anything.
 */
static int check_ct(const struct hsm_copytool_private *ct, const char *call, unsigned long long cookie)
{
	if (ct == NULL)
		return -EINVAL;
	if (ct->magic == CT_UNREGISTERED) {
		fprintf(stderr, "libhsmsim: MISUSE: %s (cookie %#llx) called on a copytool handle after "
			"llapi_hsm_copytool_unregister: liblustreapi has freed it and would use freed memory\n", call, cookie);
		return -EBADF;
	}
	return ct->magic == CT_MAGIC ? 0 : -EINVAL;
}

HSMSIM_EXPORT int llapi_hsm_copytool_register(struct hsm_copytool_private **priv, const char *mnt, int archive_count,
					      int *archives, int rfd_flags)
{
	if (archive_count > 0 && archives == NULL) {
		llapi_err_noerrno(LLAPI_MSG_ERROR, "NULL archive numbers");
		return -EINVAL;
	}
	if (priv == NULL || mnt == NULL || archive_count < 0 || archive_count > MAX_ARCHIVES ||
	    strlen(mnt) >= PATH_MAX)
		return -EINVAL;
	int event_archive_count = archive_count;
	for (int i = 0; i < archive_count; i++)
		if (archives[i] == 0)
			event_archive_count = 0; /* the wildcard: all archives */
	struct hsm_copytool_private *ct = calloc(1, sizeof(*ct));
	if (ct == NULL)
		return -ENOMEM;
	ct->magic = CT_MAGIC;
	ct->sock = -1;
	ct->mnt_fd = -1;
	ct->pipe_r = -1;
	ct->pipe_w = -1;
	int rc = hsmsim_cluster_of_path(mnt, &ct->cluster, NULL, 0);
	if (rc != 0)
		goto fail;
	ct->mnt_fd = open(ct->cluster.mnt, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (ct->mnt_fd < 0) {
		rc = -errno;
		goto fail;
	}
	for (int i = 0; i < archive_count; i++) {
		if (archives[i] < 0) {
			llapi_err_noerrno(LLAPI_MSG_ERROR, "%d requested when archive id >= 0 is supported", archives[i]);
			rc = -EINVAL;
			goto fail;
		}
	}
	strcpy(ct->mnt, mnt);
	ct->event_archive_count = event_archive_count;
	ct->archive_count = archive_count;
	memcpy(ct->archives, archives, sizeof(int) * (size_t)archive_count);
	ct->hal_buf = malloc(HAL_MAXSIZE);
	ct->line_cap = 64 * 1024;
	ct->line = malloc(ct->line_cap);
	if (ct->hal_buf == NULL || ct->line == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	ct->sock = hsmsim_connect(ct->cluster.socket);
	if (ct->sock < 0) {
		rc = ct->sock;
		goto fail;
	}
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "CT_REGISTER");
	hsmsim_msg_str(&m, "mount", ct->cluster.mnt);
	hsmsim_msg_raw(&m, " archives=");
	for (int i = 0; i < archive_count; i++) {
		char id[16];
		snprintf(id, sizeof(id), "%s%d", i ? "," : "", archives[i]);
		hsmsim_msg_raw(&m, id);
	}
	hsmsim_msg_u64(&m, "pid", (unsigned long long)getpid());
	rc = hsmsim_send(ct->sock, &m);
	hsmsim_msg_free(&m);
	char *line = NULL;
	if (rc == 0)
		rc = hsmsim_read_line(ct->sock, &line);
	if (rc != 0)
		goto fail;
	struct hsmsim_reply r;
	rc = hsmsim_reply_parse(line, &r);
	if (rc != 0)
		goto fail;
	rc = hsmsim_reply_errno(&r);
	if (rc == 0) {
		const char *uuid = hsmsim_reply_get(&r, "uuid");
		snprintf(ct->uuid, sizeof(ct->uuid), "%s", uuid ? uuid : "");
	}
	hsmsim_reply_free(&r);
	if (rc != 0) {
		/* the coordinator refused: the library's message for a failed LL_IOC_HSM_CT_START */
		llapi_error(LLAPI_MSG_ERROR, rc, "cannot start copytool on '%s'", mnt);
		goto fail;
	}
	/* the pipe of libcfs_ukuc_start (pipe2 with the caller's rfd_flags on the read end) and its "kernel" */
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		rc = -errno;
		goto fail;
	}
	ct->pipe_r = pfd[0];
	ct->pipe_w = pfd[1];
	if (rfd_flags & O_NONBLOCK)
		fcntl(ct->pipe_r, F_SETFL, fcntl(ct->pipe_r, F_GETFL) | O_NONBLOCK);
	ct->frame_cap = 64 * 1024;
	ct->frame = malloc(ct->frame_cap);
	if (ct->frame == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = -pthread_create(&ct->relay, NULL, relay_main, ct);
	if (rc != 0)
		goto fail;
	ct->relay_started = true;
	hsmsim_event_register("REGISTER", ct->uuid, ct->mnt, ct->event_archive_count);
	*priv = ct;
	return 0;
fail:
	if (ct->sock >= 0)
		close(ct->sock);
	if (ct->mnt_fd >= 0)
		close(ct->mnt_fd);
	if (ct->pipe_r >= 0)
		close(ct->pipe_r);
	if (ct->pipe_w >= 0)
		close(ct->pipe_w);
	free(ct->hal_buf);
	free(ct->line);
	free(ct->frame);
	free(ct);
	return rc;
}

HSMSIM_EXPORT int llapi_hsm_copytool_unregister(struct hsm_copytool_private **priv)
{
	if (priv == NULL || *priv == NULL)
		return -EINVAL;
	int checked = check_ct(*priv, "llapi_hsm_copytool_unregister", 0);
	if (checked != 0)
		return checked;
	struct hsm_copytool_private *ct = *priv;
	/*
	 * Synchronous, like LL_IOC_HSM_CT_START with the stop flag: say so, then wait (a few seconds at most) for the
	 * coordinator to close the connection, which it does once the agent is gone; action lists still in flight are
	 * dropped. A process that dies instead just closes the socket, which unregisters it too.
	 */
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "CT_UNREGISTER");
	if (hsmsim_send(ct->sock, &m) == 0)
		shutdown(ct->sock, SHUT_WR);
	hsmsim_msg_free(&m);
	relay_stop(ct); /* returns once the coordinator closed the connection (a few seconds at most) */
	hsmsim_event_register("UNREGISTER", ct->uuid, ct->mnt, ct->event_archive_count);
	close(ct->sock);
	close(ct->mnt_fd);
	free(ct->hal_buf);
	free(ct->line);
	free(ct->frame);
	/* not freed, unlike liblustreapi: the marker lets check_ct catch a later call (a few bytes per registration) */
	ct->hal_buf = NULL;
	ct->line = NULL;
	ct->frame = NULL;
	ct->sock = -1;
	ct->mnt_fd = -1;
	ct->magic = CT_UNREGISTERED;
	*priv = NULL;
	return 0;
}

HSMSIM_EXPORT int llapi_hsm_copytool_get_fd(struct hsm_copytool_private *ct)
{
	int checked = check_ct(ct, "llapi_hsm_copytool_get_fd", 0);
	if (checked != 0)
		return checked;
	return ct->pipe_r;
}

/*
 * The relay thread: reads exactly one line from the agent socket (blocking; the line's end is found with MSG_PEEK
 * first, so nothing of the next line is consumed). -ESHUTDOWN when the coordinator closed the connection.
 */
static int recv_line(struct hsm_copytool_private *ct)
{
	for (;;) {
		ssize_t n = recv(ct->sock, ct->line, ct->line_cap - 1, MSG_PEEK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		if (n == 0)
			return -ESHUTDOWN; /* the coordinator went away */
		char *nl = memchr(ct->line, '\n', (size_t)n);
		if (nl != NULL) {
			size_t want = (size_t)(nl - ct->line) + 1;
			size_t got = 0;
			while (got < want) {
				ssize_t r = recv(ct->sock, ct->line + got, want - got, 0);
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					return r == 0 ? -ESHUTDOWN : -errno;
				got += (size_t)r;
			}
			ct->line[want - 1] = '\0';
			return 0;
		}
		if ((size_t)n >= ct->line_cap - 1) {
			if (ct->line_cap >= 16 * HAL_MAXSIZE)
				return -EPROTO;
			char *bigger = realloc(ct->line, ct->line_cap * 2);
			if (bigger == NULL)
				return -ENOMEM;
			ct->line = bigger;
			ct->line_cap *= 2;
			continue;
		}
		struct pollfd p = { .fd = ct->sock, .events = POLLIN };
		/* part of a line is there: wait for the rest */
		usleep(1000);
		poll(&p, 1, 100);
	}
}

/* Writes all of buf to the pipe; false when the reader has gone (EPIPE: SIGPIPE is blocked in the relay thread). */
static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* One message on the pipe: its length (host order), then the line without its newline. */
static bool relay_message(int fd, const char *text)
{
	uint32_t len = (uint32_t)strlen(text);
	return write_all(fd, &len, sizeof(len)) && write_all(fd, text, len);
}

/*
 * Plays the kernel's side of the KUC pipe: every line from the coordinator becomes one message; when the connection
 * ends (unregister, coordinator gone) the write end is closed, which recv reports as -ESHUTDOWN, as the kernel's
 * KUC_MSG_SHUTDOWN (liblustreapi_kernelconn.c libcfs_ukuc_msg_get).
 */
static void *relay_main(void *arg)
{
	struct hsm_copytool_private *ct = arg;
	sigset_t pipe_signal;
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);
	while (recv_line(ct) == 0 && relay_message(ct->pipe_w, ct->line))
		;
	close(ct->pipe_w);
	ct->pipe_w = -1;
	return NULL;
}

/* Ends the relay thread once the coordinator has closed the connection, waiting 5 seconds at most for that. */
static void relay_stop(struct hsm_copytool_private *ct)
{
	if (!ct->relay_started)
		return;
	close(ct->pipe_r); /* lists still in flight are dropped: a blocked write of the thread fails */
	ct->pipe_r = -1;
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	if (pthread_timedjoin_np(ct->relay, NULL, &deadline) != 0) {
		shutdown(ct->sock, SHUT_RDWR); /* the coordinator did not close: its recv returns now */
		pthread_join(ct->relay, NULL);
	}
	ct->relay_started = false;
}

/* Reads exactly len bytes of a message whose first byte has arrived, waiting for the rest on a non-blocking fd. */
static int read_exactly(int fd, char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n > 0) {
			got += (size_t)n;
		} else if (n == 0) {
			return -ESHUTDOWN;
		} else if (errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			poll(&p, 1, 1000);
		} else if (errno != EINTR) {
			return -errno;
		}
	}
	return 0;
}

/* The next message from the relay thread into ct->frame (NUL-terminated): -EAGAIN on an empty non-blocking fd. */
static int recv_frame(struct hsm_copytool_private *ct)
{
	uint32_t len;
	ssize_t n;
	do
		n = read(ct->pipe_r, &len, 1); /* one byte first: an empty non-blocking pipe gives EAGAIN here only */
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -EAGAIN : -errno;
	if (n == 0)
		return -ESHUTDOWN;
	int rc = read_exactly(ct->pipe_r, (char *)&len + 1, sizeof(len) - 1);
	if (rc != 0)
		return rc;
	if ((size_t)len + 1 > ct->frame_cap) {
		char *bigger = realloc(ct->frame, (size_t)len + 1);
		if (bigger == NULL)
			return -ENOMEM;
		ct->frame = bigger;
		ct->frame_cap = (size_t)len + 1;
	}
	rc = read_exactly(ct->pipe_r, ct->frame, len);
	if (rc != 0)
		return rc;
	ct->frame[len] = '\0';
	return 0;
}

static bool serves(const struct hsm_copytool_private *ct, unsigned int archive_id)
{
	if (ct->archive_count == 0 || archive_id == 0)
		return true; /* archive id 0: a REMOVE for whichever archive holds the copy */
	for (int i = 0; i < ct->archive_count; i++)
		if (ct->archives[i] == 0 || (unsigned int)ct->archives[i] == archive_id)
			return true;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Lays out "HAL archive_id= flags= compound= fsname= item=..." as a struct hsm_action_list. */
static int build_hal(struct hsm_copytool_private *ct, const struct hsmsim_reply *r, int *msgsize)
{
	unsigned long long archive_id, flags, compound;
	const char *fsname = hsmsim_reply_get(r, "fsname");
	if (hsmsim_reply_u64(r, "archive_id", &archive_id) || hsmsim_reply_u64(r, "flags", &flags) ||
	    hsmsim_reply_u64(r, "compound", &compound) || fsname == NULL)
		return -EPROTO;
	char *end = ct->hal_buf + HAL_MAXSIZE;
	memset(ct->hal_buf, 0, sizeof(struct hsm_action_list));
	struct hsm_action_list *hal = (struct hsm_action_list *)ct->hal_buf;
	if (sizeof(*hal) + cfs_size_round(strlen(fsname) + 1) > HAL_MAXSIZE)
		return -EPROTO;
	hal->hal_version = HAL_VERSION;
	hal->hal_compound_id = compound;
	hal->hal_flags = flags;
	hal->hal_archive_id = (__u32)archive_id;
	hal->padding1 = 0;
	memset(hal->hal_fsname, 0, cfs_size_round(strlen(fsname) + 1));
	strcpy(hal->hal_fsname, fsname);
	struct hsm_action_item *hai = hai_first(hal);
	unsigned int count = 0;
	for (int i = 0; i < r->count; i++) {
		if (strcmp(r->keys[i], "item") != 0)
			continue;
		unsigned int action;
		char fid[64], dfid[64];
		unsigned long long offset, length, cookie, gid;
		int used = 0;
		if (sscanf(r->values[i], "%u,%63[^,],%63[^,],%llu,%llu,%llu,%llu,%n", &action, fid, dfid, &offset, &length,
			   &cookie, &gid, &used) < 7 || used == 0)
			return -EPROTO;
		const char *hex = r->values[i] + used;
		size_t data_len = strlen(hex) / 2;
		if ((char *)hai + cfs_size_round(sizeof(*hai) + data_len) > end)
			return -EPROTO;
		memset(hai, 0, cfs_size_round(sizeof(*hai) + data_len));
		hai->hai_len = (__u32)(sizeof(*hai) + data_len);
		hai->hai_action = action;
		struct lu_fid f, df;
		if (hsmsim_fid_parse(fid, &f) || hsmsim_fid_parse(dfid, &df))
			return -EPROTO;
		hai->hai_fid = f;
		hai->hai_dfid = df;
		hai->hai_extent.offset = offset;
		hai->hai_extent.length = length;
		hai->hai_cookie = cookie;
		hai->hai_gid = gid;
		for (size_t k = 0; k < data_len; k++) {
			int hi = hexval(hex[2 * k]), lo = hexval(hex[2 * k + 1]);
			if (hi < 0 || lo < 0)
				return -EPROTO;
			hai->hai_data[k] = (char)(hi * 16 + lo);
		}
		count++;
		hai = hai_next(hai);
	}
	hal->hal_count = count;
	*msgsize = (int)((char *)hai - ct->hal_buf);
	return 0;
}

HSMSIM_EXPORT int llapi_hsm_copytool_recv(struct hsm_copytool_private *ct, struct hsm_action_list **halh,
					  int *msgsize)
{
	int checked = check_ct(ct, "llapi_hsm_copytool_recv", 0);
	if (checked != 0)
		return checked;
	if (halh == NULL || msgsize == NULL)
		return -EINVAL;
	for (;;) {
		int rc = recv_frame(ct);
		if (rc != 0)
			return rc;
		if (strcmp(ct->frame, "SHUTDOWN") == 0)
			return -ESHUTDOWN;
		char *copy = strdup(ct->frame);
		if (copy == NULL)
			return -ENOMEM;
		struct hsmsim_reply r;
		rc = hsmsim_reply_parse(copy, &r);
		if (rc != 0)
			return rc;
		if (strcmp(r.verb, "HAL") != 0) {
			hsmsim_reply_free(&r);
			return -EPROTO;
		}
		rc = build_hal(ct, &r, msgsize);
		hsmsim_reply_free(&r);
		if (rc != 0)
			return rc;
		struct hsm_action_list *hal = (struct hsm_action_list *)ct->hal_buf;
		if (!serves(ct, hal->hal_archive_id))
			continue; /* liblustreapi drops lists for archives this copytool did not register */
		*halh = hal;
		return 0;
	}
}

/* ------------------------------------------------------------------ actions */

static int call_simple(const struct hsmsim_cluster *c, struct hsmsim_msg *m, struct hsmsim_reply *out)
{
	struct hsmsim_reply r;
	int rc = hsmsim_call(c, m, out != NULL ? out : &r);
	hsmsim_msg_free(m);
	if (rc == 0 && out == NULL)
		hsmsim_reply_free(&r);
	return rc;
}

HSMSIM_EXPORT int llapi_hsm_action_begin(struct hsm_copyaction_private **phcp, const struct hsm_copytool_private *ct,
					 const struct hsm_action_item *hai, int restore_mdt_index,
					 int restore_open_flags, bool is_error)
{
	if (phcp == NULL || hai == NULL)
		return -EINVAL;
	int checked = check_ct(ct, "llapi_hsm_action_begin", hai->hai_cookie);
	if (checked != 0)
		return checked;
	struct hsm_copyaction_private *hcp = calloc(1, sizeof(*hcp));
	if (hcp == NULL)
		return -ENOMEM;
	hcp->magic = CA_MAGIC;
	hcp->data_fd = -1;
	hcp->ct = ct;
	hcp->is_error = is_error;
	memcpy(&hcp->hai, hai, sizeof(hcp->hai));
	hcp->hai.hai_len = sizeof(hcp->hai);
	hcp->dfid = hai->hai_dfid;

	struct hsmsim_msg m;
	struct hsmsim_reply r;
	hsmsim_msg_init(&m, "ACTION_BEGIN");
	hsmsim_msg_u64(&m, "cookie", hai->hai_cookie);
	struct lu_fid fid = hai->hai_fid;
	hsmsim_msg_fid(&m, "fid", &fid);
	hsmsim_msg_u64(&m, "is_error", is_error ? 1 : 0);
	/* where a RESTORE's volatile file is created: that MDT, or -1 where its directory places a new name
	 * (liblustreapi_hsm.c create_restore_volatile, lmv_obd.c lmv_locate_tgt) */
	hsmsim_msg_i64(&m, "mdt", restore_mdt_index);
	/* O_LOV_DELAY_CREATE: the volatile file gets no layout until the copytool sets one on it (lhsmtool_posix.c
	 * ct_restore, then fsetxattr XATTR_LUSTRE_LOV); without it, the file system's default layout */
	if (hai->hai_action == HSMA_RESTORE &&
	    (restore_open_flags & HSMSIM_O_LOV_DELAY_CREATE) == HSMSIM_O_LOV_DELAY_CREATE)
		hsmsim_msg_u64(&m, "delay_layout", 1);
	int rc = call_simple(&ct->cluster, &m, &r);
	if (rc != 0) {
		free(hcp);
		return rc;
	}
	if (!is_error && (hai->hai_action == HSMA_ARCHIVE || hai->hai_action == HSMA_RESTORE)) {
		/* Both are opened through the client mount by FID, as liblustreapi opens an archive's source
		 * (ct_open_by_fid on <mnt>/.lustre/fid) and holds the volatile file it created in the file's directory:
		 * what the copytool does on the descriptor (reads, writes, fgetxattr/fsetxattr of lustre.lov) reaches the
		 * simulated client as it would reach llite. */
		if (hai->hai_action == HSMA_RESTORE) {
			hsmsim_reply_fid(&r, "dfid", &hcp->dfid);
			hcp->hai.hai_dfid = hcp->dfid; /* as create_restore_volatile: the copy now names the volatile file */
		}
		char fid_path[PATH_MAX];
		struct lu_fid target = hai->hai_action == HSMA_RESTORE ? hcp->dfid : hai->hai_fid;
		if (snprintf(fid_path, sizeof(fid_path), "%s/.lustre/fid/" DFID, ct->cluster.mnt, PFID(&target)) >=
		    (int)sizeof(fid_path)) {
			rc = -ENAMETOOLONG;
		} else if (hai->hai_action == HSMA_ARCHIVE) {
			hcp->data_fd = open(fid_path, O_RDONLY | O_NOATIME | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		} else {
			int allowed = restore_open_flags & (O_SYNC | O_DIRECT | O_NOATIME);
			hcp->data_fd = open(fid_path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | allowed);
		}
		if (rc == 0 && hcp->data_fd < 0)
			rc = -errno;
	}
	hsmsim_reply_free(&r);
	if (rc != 0) {
		free(hcp);
		return rc;
	}
	if (!is_error) /* the caller's item, total_bytes 0 (liblustreapi_hsm.c 1221) */
		hsmsim_event_progress(ct->cluster.mnt, hai, HSMSIM_START, 0, 0, 0);
	*phcp = hcp;
	return 0;
}

HSMSIM_EXPORT int llapi_hsm_action_progress(struct hsm_copyaction_private *hcp, const struct hsm_extent *he,
					    __u64 total, int hp_flags)
{
	(void)hp_flags;
	if (hcp == NULL || hcp->magic != CA_MAGIC || he == NULL)
		return -EINVAL;
	int checked = check_ct(hcp->ct, "llapi_hsm_action_progress", hcp->hai.hai_cookie);
	if (checked != 0)
		return checked;
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "PROGRESS");
	hsmsim_msg_u64(&m, "cookie", hcp->hai.hai_cookie);
	struct lu_fid fid = hcp->hai.hai_fid;
	hsmsim_msg_fid(&m, "fid", &fid);
	hsmsim_msg_u64(&m, "offset", he->offset);
	hsmsim_msg_u64(&m, "length", he->length);
	hsmsim_msg_u64(&m, "total", total);
	int rc = call_simple(&hcp->ct->cluster, &m, NULL);
	/* whatever the coordinator said, as liblustreapi_hsm.c 1361 */
	hsmsim_event_progress(hcp->ct->cluster.mnt, &hcp->hai, HSMSIM_RUNNING, total, he->length, 0);
	return rc;
}

HSMSIM_EXPORT int llapi_hsm_action_end(struct hsm_copyaction_private **phcp, const struct hsm_extent *he,
				       int hp_flags, int errval)
{
	if (phcp == NULL || *phcp == NULL || (*phcp)->magic != CA_MAGIC || he == NULL)
		return -EINVAL;
	struct hsm_copyaction_private *hcp = *phcp;
	int checked = check_ct(hcp->ct, "llapi_hsm_action_end", hcp->hai.hai_cookie);
	if (checked != 0) {
		/* the action's own memory is still valid (liblustreapi frees it in end whatever happens): free it too */
		if (hcp->data_fd >= 0)
			close(hcp->data_fd);
		hcp->magic = 0;
		free(hcp);
		*phcp = NULL;
		return checked;
	}
	if (hcp->hai.hai_action == HSMA_RESTORE && errval == 0 && hcp->data_fd >= 0 && fsync(hcp->data_fd) != 0)
		errval = errno;
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, "END");
	hsmsim_msg_u64(&m, "cookie", hcp->hai.hai_cookie);
	struct lu_fid fid = hcp->hai.hai_fid;
	hsmsim_msg_fid(&m, "fid", &fid);
	hsmsim_msg_u64(&m, "offset", he->offset);
	hsmsim_msg_u64(&m, "length", he->length);
	hsmsim_msg_u64(&m, "flags", (unsigned int)hp_flags);
	hsmsim_msg_u64(&m, "errval", (unsigned int)(errval < 0 ? -errval : errval));
	int rc = call_simple(&hcp->ct->cluster, &m, NULL);
	/* the volatile file stays open until COPY_END: the swap needs it */
	if (hcp->data_fd >= 0)
		close(hcp->data_fd);
	if (rc == 0) {
		/* liblustreapi_hsm.c 1286-1310: the copy's hai_fid becomes hai_dfid (a restore's volatile FID) */
		struct hsm_action_item ended = hcp->hai;
		if (ended.hai_action == HSMA_ARCHIVE || ended.hai_action == HSMA_RESTORE)
			ended.hai_fid = ended.hai_dfid;
		hsmsim_event_progress(hcp->ct->cluster.mnt, &ended, HSMSIM_FINISH, 0, 0,
				      errval < 0 ? -errval : errval);
	}
	hcp->magic = 0;
	free(hcp);
	*phcp = NULL;
	return rc;
}

HSMSIM_EXPORT int llapi_hsm_action_get_dfid(const struct hsm_copyaction_private *hcp, struct lu_fid *fid)
{
	if (hcp == NULL || hcp->magic != CA_MAGIC || fid == NULL)
		return -EINVAL;
	*fid = hcp->dfid;
	return 0;
}

HSMSIM_EXPORT int llapi_hsm_action_get_fd(const struct hsm_copyaction_private *hcp)
{
	if (hcp == NULL || hcp->magic != CA_MAGIC)
		return -EINVAL;
	if (hcp->hai.hai_action != HSMA_ARCHIVE && hcp->hai.hai_action != HSMA_RESTORE)
		return -EINVAL;
	if (hcp->data_fd < 0)
		return -EBADF;
	int fd = dup(hcp->data_fd);
	return fd < 0 ? -errno : fd;
}

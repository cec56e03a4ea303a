/* The line protocol: percent-encoded key=value pairs, one request and one reply line per call. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "hsmsim_internal.h"

static void msg_append(struct hsmsim_msg *m, const char *s, size_t n)
{
	if (m->oom)
		return;
	if (m->len + n + 2 > m->cap) {
		size_t cap = (m->cap ? m->cap * 2 : 256);
		while (cap < m->len + n + 2)
			cap *= 2;
		char *d = realloc(m->data, cap);
		if (d == NULL) {
			m->oom = 1;
			return;
		}
		m->data = d;
		m->cap = cap;
	}
	memcpy(m->data + m->len, s, n);
	m->len += n;
	m->data[m->len] = '\0';
}

void hsmsim_msg_init(struct hsmsim_msg *m, const char *verb)
{
	memset(m, 0, sizeof(*m));
	msg_append(m, verb, strlen(verb));
}

void hsmsim_msg_free(struct hsmsim_msg *m)
{
	free(m->data);
	memset(m, 0, sizeof(*m));
}

static void append_encoded(struct hsmsim_msg *m, const unsigned char *v, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = v[i];
		if (c <= 0x20 || c >= 0x7f || c == '%' || c == '=') {
			char esc[3] = { '%', hex[c >> 4], hex[c & 0xf] };
			msg_append(m, esc, 3);
		} else {
			msg_append(m, (const char *)&c, 1);
		}
	}
}

void hsmsim_msg_str(struct hsmsim_msg *m, const char *key, const char *value)
{
	msg_append(m, " ", 1);
	msg_append(m, key, strlen(key));
	msg_append(m, "=", 1);
	append_encoded(m, (const unsigned char *)value, strlen(value));
}

void hsmsim_msg_u64(struct hsmsim_msg *m, const char *key, unsigned long long value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu", value);
	hsmsim_msg_str(m, key, buf);
}

void hsmsim_msg_i64(struct hsmsim_msg *m, const char *key, long long value)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", value);
	hsmsim_msg_str(m, key, buf);
}

void hsmsim_msg_fid(struct hsmsim_msg *m, const char *key, const struct lu_fid *fid)
{
	char buf[FID_LEN + 1];
	snprintf(buf, sizeof(buf), DFID_NOBRACE, PFID(fid));
	hsmsim_msg_str(m, key, buf);
}

void hsmsim_msg_hex(struct hsmsim_msg *m, const char *key, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *d = data;
	msg_append(m, " ", 1);
	msg_append(m, key, strlen(key));
	msg_append(m, "=", 1);
	for (size_t i = 0; i < len; i++) {
		char pair[2] = { hex[d[i] >> 4], hex[d[i] & 0xf] };
		msg_append(m, pair, 2);
	}
}

void hsmsim_msg_raw(struct hsmsim_msg *m, const char *text)
{
	msg_append(m, text, strlen(text));
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

static void decode_in_place(char *s)
{
	char *out = s;
	for (char *in = s; *in; in++) {
		if (in[0] == '%' && hexval(in[1]) >= 0 && hexval(in[2]) >= 0) {
			*out++ = (char)(hexval(in[1]) * 16 + hexval(in[2]));
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
}

int hsmsim_reply_parse(char *line, struct hsmsim_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->line = line;
	int tokens = 1;
	for (char *p = line; *p; p++)
		if (*p == ' ')
			tokens++;
	r->keys = calloc(tokens, sizeof(char *));
	r->values = calloc(tokens, sizeof(char *));
	if (r->keys == NULL || r->values == NULL) {
		hsmsim_reply_free(r);
		return -ENOMEM;
	}
	char *save = NULL;
	r->verb = strtok_r(line, " ", &save);
	if (r->verb == NULL) {
		hsmsim_reply_free(r);
		return -EPROTO;
	}
	char *tok;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		char *eq = strchr(tok, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		decode_in_place(eq + 1);
		r->keys[r->count] = tok;
		r->values[r->count] = eq + 1;
		r->count++;
	}
	return 0;
}

void hsmsim_reply_free(struct hsmsim_reply *r)
{
	free(r->line);
	free(r->keys);
	free(r->values);
	memset(r, 0, sizeof(*r));
}

const char *hsmsim_reply_get(const struct hsmsim_reply *r, const char *key)
{
	for (int i = 0; i < r->count; i++)
		if (strcmp(r->keys[i], key) == 0)
			return r->values[i];
	return NULL;
}

int hsmsim_reply_u64(const struct hsmsim_reply *r, const char *key, unsigned long long *out)
{
	const char *v = hsmsim_reply_get(r, key);
	char *end;
	if (v == NULL)
		return -EPROTO;
	errno = 0;
	*out = strtoull(v, &end, 0);
	if (errno != 0 || *end != '\0')
		return -EPROTO;
	return 0;
}

int hsmsim_reply_fid(const struct hsmsim_reply *r, const char *key, struct lu_fid *fid)
{
	const char *v = hsmsim_reply_get(r, key);
	return v == NULL ? -EPROTO : hsmsim_fid_parse(v, fid);
}

int hsmsim_reply_errno(const struct hsmsim_reply *r)
{
	unsigned long long e;
	if (strcmp(r->verb, "ERR") != 0)
		return 0;
	if (hsmsim_reply_u64(r, "errno", &e) != 0 || e == 0)
		return -EPROTO;
	return -(int)e;
}

int hsmsim_connect(const char *socket_path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, socket_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		/* the daemon is gone: the file system is shutting down or stopped */
		return -ESHUTDOWN;
	}
	return fd;
}

/*
 * The message and its '\n' in one sendmsg: the daemon wakes once per call, where a send of each woke it twice (and
 * cost both processes a system call more).
 */
int hsmsim_send(int fd, const struct hsmsim_msg *m)
{
	if (m->oom)
		return -ENOMEM;
	static char newline[] = "\n";
	size_t done = 0;
	while (done < m->len + 1) {
		struct iovec iov[2];
		int count = 0;
		if (done < m->len)
			iov[count++] = (struct iovec){ .iov_base = m->data + done, .iov_len = m->len - done };
		iov[count++] = (struct iovec){ .iov_base = newline, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)count };
		ssize_t w = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? -ESHUTDOWN : -errno;
		}
		done += (size_t)w;
	}
	return 0;
}

int hsmsim_read_line(int fd, char **line)
{
	size_t cap = 512, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;
			free(buf);
			return rc;
		}
		if (n == 0) {
			free(buf);
			return -ESHUTDOWN;
		}
		if (c == '\n')
			break;
		if (len + 2 > cap) {
			char *b = realloc(buf, cap * 2);
			if (b == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = b;
			cap *= 2;
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	*line = buf;
	return 0;
}

/*
 * Connections of short requests are kept for the next call. A fresh connection per call cost the daemon an accept, a
 * thread hand-off and a credentials lookup, and this library a connect and a close, on every llapi call: a large share
 * of the simulator's CPU per HSM action, where liblustreapi makes one ioctl. A connection whose call was answered
 * waits here, idle, for the next call of this process to the same daemon under the same effective uid and gid (the
 * daemon knows the caller by SO_PEERCRED, which the kernel takes at connect), and carries one call at a time. One
 * the daemon has closed meanwhile (it stopped, or restarted) is noticed before use and dropped; a child of fork() does
 * not share its parent's (its copies are closed); exec closes them (SOCK_CLOEXEC).
 */
#define IDLE_MAX 64

struct idle_conn {
	int fd;
	uid_t euid;
	gid_t egid;
	char *socket;
};

static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t idle_once = PTHREAD_ONCE_INIT;
static struct idle_conn idle[IDLE_MAX];
static int idle_count;

static void idle_prepare(void)
{
	pthread_mutex_lock(&idle_lock);
}

static void idle_parent(void)
{
	pthread_mutex_unlock(&idle_lock);
}

/* In the child of fork(): two processes must never talk on one connection. */
static void idle_child(void)
{
	for (int i = 0; i < idle_count; i++) {
		close(idle[i].fd);
		free(idle[i].socket);
	}
	idle_count = 0;
	pthread_mutex_unlock(&idle_lock);
}

static void idle_init(void)
{
	pthread_atfork(idle_prepare, idle_parent, idle_child);
}

/* The daemon closed the connection, or sent something no call asked for: it cannot carry a call. */
static bool closed_by_peer(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	return poll(&p, 1, 0) != 0;
}

/* An idle connection to socket_path made under euid/egid, else a new one; -errno as hsmsim_connect. */
static int conn_take(const char *socket_path, uid_t euid, gid_t egid)
{
	pthread_once(&idle_once, idle_init);
	for (;;) {
		int fd = -1;
		pthread_mutex_lock(&idle_lock);
		for (int i = idle_count - 1; i >= 0; i--) {
			if (idle[i].euid == euid && idle[i].egid == egid && strcmp(idle[i].socket, socket_path) == 0) {
				fd = idle[i].fd;
				free(idle[i].socket);
				idle[i] = idle[--idle_count];
				break;
			}
		}
		pthread_mutex_unlock(&idle_lock);
		if (fd < 0)
			return hsmsim_connect(socket_path);
		if (!closed_by_peer(fd))
			return fd;
		close(fd);
	}
}

/* Keeps a connection whose call was answered for the next call (or closes it when enough are kept). */
static void conn_give_back(int fd, const char *socket_path, uid_t euid, gid_t egid)
{
	char *copy = strdup(socket_path);
	pthread_mutex_lock(&idle_lock);
	if (copy != NULL && idle_count < IDLE_MAX) {
		idle[idle_count++] = (struct idle_conn){ .fd = fd, .euid = euid, .egid = egid, .socket = copy };
		copy = NULL;
		fd = -1;
	}
	pthread_mutex_unlock(&idle_lock);
	free(copy);
	if (fd >= 0)
		close(fd);
}

/*
 * A call's reply line (without '\n') into a malloc'ed string, read in blocks: on a call's connection the daemon sends
 * the one line and nothing else. *extra: more than the line arrived, and the connection must not carry another call.
 * 0, -ESHUTDOWN at EOF, or -errno.
 */
static int read_reply(int fd, char **line, bool *extra)
{
	size_t cap = 512, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		if (cap - len < 256) {
			char *b = realloc(buf, cap * 2);
			if (b == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = b;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = n == 0 ? -ESHUTDOWN : -errno;
			free(buf);
			return rc;
		}
		char *nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl != NULL) {
			*extra = (size_t)(nl - buf) + 1 != len;
			*nl = '\0';
			*line = buf;
			return 0;
		}
	}
}

int hsmsim_call(const struct hsmsim_cluster *c, const struct hsmsim_msg *m, struct hsmsim_reply *reply)
{
	uid_t euid = geteuid();
	gid_t egid = getegid();
	int fd = conn_take(c->socket, euid, egid);
	if (fd < 0)
		return fd;
	int rc = hsmsim_send(fd, m);
	char *line = NULL;
	bool extra = false;
	if (rc == 0)
		rc = read_reply(fd, &line, &extra);
	if (rc == 0 && !extra)
		conn_give_back(fd, c->socket, euid, egid);
	else
		close(fd);
	if (rc != 0)
		return rc;
	rc = hsmsim_reply_parse(line, reply);
	if (rc != 0)
		return rc;
	rc = hsmsim_reply_errno(reply);
	if (rc != 0) {
		hsmsim_reply_free(reply);
		return rc;
	}
	if (strcmp(reply->verb, "OK") != 0) {
		hsmsim_reply_free(reply);
		return -EPROTO;
	}
	return 0;
}

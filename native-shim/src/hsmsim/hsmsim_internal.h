/*
 * libhsmsim internals: the text protocol to the simulator daemon and finding the daemon from a path or an fd.
 * The protocol is documented in test-cluster/PROTOCOL.md.  Binary Lustre structures are built in this library
 * only, from native-shim/include; the daemon never sends binary data.
 */
#ifndef HSMSIM_INTERNAL_H
#define HSMSIM_INTERNAL_H

#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <lustre/lustreapi.h>

#define HSMSIM_EXPORT __attribute__((visibility("default")))
/* lustre_user.h O_LOV_DELAY_CREATE: open without instantiating a layout (O_NOCTTY and FASYNC mean nothing else for a
 * regular file) */
#define HSMSIM_O_LOV_DELAY_CREATE (O_NOCTTY | FASYNC)
#define HSMSIM_SOCKET_REL "run/coordinator.sock"
#define HSMSIM_FSNAME_MAX 64

/* One simulated file system as seen from this process. */
struct hsmsim_cluster {
	char socket[PATH_MAX];
	char fsname[HSMSIM_FSNAME_MAX];
	char mnt[PATH_MAX]; /* empty when found through a backing-store fd */
};

/* A request line being built. */
struct hsmsim_msg {
	char *data;
	size_t len;
	size_t cap;
	int oom;
};

/* A parsed reply line: OK/ERR/verb and its key=value pairs, decoded in place. */
struct hsmsim_reply {
	char *line;
	char *verb;
	int count;
	char **keys;
	char **values;
};

void hsmsim_msg_init(struct hsmsim_msg *m, const char *verb);
void hsmsim_msg_free(struct hsmsim_msg *m);
void hsmsim_msg_str(struct hsmsim_msg *m, const char *key, const char *value);
void hsmsim_msg_u64(struct hsmsim_msg *m, const char *key, unsigned long long value);
void hsmsim_msg_i64(struct hsmsim_msg *m, const char *key, long long value);
void hsmsim_msg_fid(struct hsmsim_msg *m, const char *key, const struct lu_fid *fid);
void hsmsim_msg_hex(struct hsmsim_msg *m, const char *key, const void *data, size_t len);
/* Appends raw (already safe) text to the last value. */
void hsmsim_msg_raw(struct hsmsim_msg *m, const char *text);

/* Parses line (takes ownership); returns 0 or -EPROTO. */
int hsmsim_reply_parse(char *line, struct hsmsim_reply *r);
void hsmsim_reply_free(struct hsmsim_reply *r);
const char *hsmsim_reply_get(const struct hsmsim_reply *r, const char *key);
int hsmsim_reply_u64(const struct hsmsim_reply *r, const char *key, unsigned long long *out);
int hsmsim_reply_fid(const struct hsmsim_reply *r, const char *key, struct lu_fid *fid);
/* For an ERR reply: the negative errno it carries. */
int hsmsim_reply_errno(const struct hsmsim_reply *r);

int hsmsim_connect(const char *socket_path);
int hsmsim_send(int fd, const struct hsmsim_msg *m);
/* Reads one line (without '\n') into a malloc'ed string; 0, -ESHUTDOWN at EOF, or -errno. */
int hsmsim_read_line(int fd, char **line);
/* One request on a connection of its own (one kept from an earlier call, else a new one): 0 with *reply filled for
 * OK, -errno for ERR or transport failure. */
int hsmsim_call(const struct hsmsim_cluster *c, const struct hsmsim_msg *m, struct hsmsim_reply *reply);

/* Finds the simulated file system holding path; rel gets the path relative to its root. -ENOENT if none. */
int hsmsim_cluster_of_path(const char *path, struct hsmsim_cluster *c, char *rel, size_t rel_size);
/* Same for an open fd: through the mount, or on the daemon's backing store. */
int hsmsim_cluster_of_fd(int fd, struct hsmsim_cluster *c);
/* The cluster of a canonical path (as the kernel names an fd in /proc/self/fd), and the rest of it (rel may be NULL). */
int hsmsim_cluster_of_canonical(const char *canonical, struct hsmsim_cluster *c, char *rel, size_t rel_size);
/* By fsname ("lustre") or MDT name ("lustre-MDT0000"). */
int hsmsim_cluster_of_fsname(const char *name, struct hsmsim_cluster *c);
/* Calls visit for every simulated client mount, in mount-table order, until it returns non-zero (mounts snapshot
 * locked meanwhile: visit must not call back into the mount lookups). Returns 0 or a negative errno. */
typedef int (*hsmsim_mount_visitor)(const char *mountpoint, const struct hsmsim_cluster *c, void *arg);
int hsmsim_each_mount(hsmsim_mount_visitor visit, void *arg);
/* Every simulated file system mounted here, once each; returns how many (at most max). */
int hsmsim_clusters(struct hsmsim_cluster *out, int max);

int hsmsim_fid_parse(const char *text, struct lu_fid *fid);
int hsmsim_fid_of_fd(int fd, struct lu_fid *fid);

/* JSON event FIFO (llapi_hsm_register_event_fifo). */
enum hsmsim_progress { HSMSIM_START, HSMSIM_RUNNING, HSMSIM_FINISH };
void hsmsim_event_register(const char *type, const char *uuid, const char *mnt, int archive_count);
/* mnt: the mount lustre_path is relative to; errval: the action's end status (0 before the end) */
void hsmsim_event_progress(const char *mnt, const struct hsm_action_item *hai, enum hsmsim_progress progress,
			   unsigned long long total, unsigned long long current, int errval);

#endif

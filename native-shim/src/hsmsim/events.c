/* The JSON event FIFO of llapi_hsm_register_event_fifo: one JSON object per line, at most 4096 bytes. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hsmsim_internal.h"

static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;
static int event_fd = -1;

HSMSIM_EXPORT int llapi_hsm_register_event_fifo(const char *path)
{
	if (path == NULL)
		return -EINVAL;
	if (mkfifo(path, 0644) != 0 && errno != EEXIST)
		return -errno;
	/*
	 * As liblustreapi: open a read end so that the non-blocking write open succeeds without a reader, then close
	 * it. A monitor may attach later (one at a time); events written while nobody reads are lost, and SIGPIPE is
	 * ignored so that a vanished reader does not kill the copytool.
	 */
	int read_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (read_fd < 0)
		return -errno;
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	int saved = errno;
	close(read_fd);
	if (fd < 0)
		return -saved;
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_lock(&event_lock);
	if (event_fd >= 0)
		close(event_fd);
	event_fd = fd;
	pthread_mutex_unlock(&event_lock);
	return 0;
}

HSMSIM_EXPORT int llapi_hsm_unregister_event_fifo(const char *path)
{
	if (path == NULL)
		return -EINVAL;
	pthread_mutex_lock(&event_lock);
	if (event_fd >= 0)
		close(event_fd);
	event_fd = -1;
	pthread_mutex_unlock(&event_lock);
	return 0;
}

static void emit(const char *json_body)
{
	char when[64], line[4096];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %T %z", &tm);
	int n = snprintf(line, sizeof(line), "{\"event_time\":\"%s\",%s}\n", when, json_body);
	if (n <= 0 || n >= (int)sizeof(line))
		return;
	pthread_mutex_lock(&event_lock);
	if (event_fd >= 0 && write(event_fd, line, (size_t)n) < 0 && errno != EPIPE && errno != EAGAIN) {
		close(event_fd); /* EPIPE: no reader now, one may come; anything else: give up on events */
		event_fd = -1;
	}
	pthread_mutex_unlock(&event_lock);
}

void hsmsim_event_register(const char *type, const char *uuid, const char *mnt, int archive_count, const int *archives)
{
	if (event_fd < 0)
		return;
	char body[2048];
	int archive = archive_count > 0 ? archives[0] : 0;
	snprintf(body, sizeof(body), "\"event_type\":\"%s\",\"archive\":%d,\"mount_point\":\"%s\",\"uuid\":\"%s\"", type,
		 archive, mnt, uuid);
	emit(body);
}

void hsmsim_event_action(const char *type, const struct hsm_action_item *hai, const char *lustre_path,
			 unsigned long long bytes, int error)
{
	if (event_fd < 0)
		return;
	char body[3072];
	int n = snprintf(body, sizeof(body), "\"event_type\":\"%s\",\"data_fid\":\"" SFID "\",\"source_fid\":\"" SFID "\"",
			 type, PFID(&hai->hai_dfid), PFID(&hai->hai_fid));
	if (strstr(type, "_START") != NULL)
		n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"total_bytes\":%llu,\"lustre_path\":\"%s\"", bytes,
			      lustre_path);
	else if (strstr(type, "_RUNNING") != NULL)
		n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"current_bytes\":%llu", bytes);
	else if (strstr(type, "_ERROR") != NULL)
		n += snprintf(body + n, sizeof(body) - (size_t)n, ",\"errno\":%d,\"error\":\"%s\"", error, strerror(error));
	emit(body);
}

/*
 * The library's own messages, as lustre/utils/liblustreapi.c has them: a process-wide level (LLAPI_MSG_MAX by
 * default, so everything is printed), and two callbacks that a program may replace. The default error callback
 * prints "<program>: <message>: <strerror> (<errno>)" to stderr (liblustreapi.c error_callback_default); the
 * default info callback prints the message to stdout. llapi_error and llapi_printf keep errno as they found it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsmsim_internal.h"

static int msg_level = LLAPI_MSG_MAX;

HSMSIM_EXPORT void llapi_msg_set_level(int level)
{
	if (level < LLAPI_MSG_OFF)
		msg_level = LLAPI_MSG_OFF;
	else if (level > LLAPI_MSG_MAX)
		msg_level = LLAPI_MSG_MAX;
	else
		msg_level = level;
}

HSMSIM_EXPORT int llapi_msg_get_level(void)
{
	return msg_level;
}

static void error_callback_default(enum llapi_message_level level, int err, const char *fmt, va_list ap)
{
	bool has_nl = strchr(fmt, '\n') != NULL;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	if (level & LLAPI_MSG_NO_ERRNO) {
		vfprintf(stderr, fmt, ap);
		if (!has_nl)
			fprintf(stderr, "\n");
		return;
	}
	/* the errno text goes after the message, so a trailing newline of the format is dropped */
	char *trimmed = has_nl ? strdup(fmt) : NULL;
	if (trimmed != NULL)
		*strrchr(trimmed, '\n') = '\0';
	vfprintf(stderr, trimmed != NULL ? trimmed : fmt, ap);
	free(trimmed);
	fprintf(stderr, ": %s (%d)\n", strerror(err), err);
}

static void info_callback_default(enum llapi_message_level level, int err, const char *fmt, va_list ap)
{
	(void)level;
	if (err != 0)
		fprintf(stdout, "%s: ", program_invocation_short_name);
	vfprintf(stdout, fmt, ap);
}

static llapi_log_callback_t error_callback = error_callback_default;
static llapi_log_callback_t info_callback = info_callback_default;

/* NULL puts the default back; returns the callback it replaces. */
HSMSIM_EXPORT llapi_log_callback_t llapi_error_callback_set(llapi_log_callback_t cb)
{
	llapi_log_callback_t old = error_callback;
	error_callback = cb != NULL ? cb : error_callback_default;
	return old;
}

HSMSIM_EXPORT llapi_log_callback_t llapi_info_callback_set(llapi_log_callback_t cb)
{
	llapi_log_callback_t old = info_callback;
	info_callback = cb != NULL ? cb : info_callback_default;
	return old;
}

HSMSIM_EXPORT void llapi_error(enum llapi_message_level level, int err, const char *fmt, ...)
{
	int saved = errno;
	if ((int)(level & LLAPI_MSG_MASK) > msg_level)
		return;
	va_list args;
	va_start(args, fmt);
	error_callback(level, abs(err), fmt, args);
	va_end(args);
	errno = saved;
}

HSMSIM_EXPORT void llapi_printf(enum llapi_message_level level, const char *fmt, ...)
{
	int saved = errno;
	if ((int)(level & LLAPI_MSG_MASK) > msg_level)
		return;
	va_list args;
	va_start(args, fmt);
	info_callback(level, 0, fmt, args);
	va_end(args);
	errno = saved;
}

/*
 * libhsmsim's own messages and its JSON event FIFO, as lustre/utils/liblustreapi.c and liblustreapi_hsm.c have them;
 * needs no cluster. Prints one line per failed check and exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lustre/lustreapi.h>

static int failures;

#define CHECK(cond, ...)                                                                                          \
	do {                                                                                                      \
		if (!(cond)) {                                                                                    \
			fprintf(stdout, "FAIL %s:%d: %s: ", __func__, __LINE__, #cond);                           \
			fprintf(stdout, __VA_ARGS__);                                                             \
			fprintf(stdout, "\n");                                                                    \
			failures++;                                                                               \
		}                                                                                                 \
	} while (0)

/* stderr (fd 2) captured into a temporary file between capture_start and capture_end */
static int saved_stderr = -1;
static FILE *captured;

static void capture_start(void)
{
	fflush(stderr);
	captured = tmpfile();
	saved_stderr = dup(2);
	dup2(fileno(captured), 2);
}

static char *capture_end(void)
{
	static char text[8192];
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	rewind(captured);
	size_t n = fread(text, 1, sizeof(text) - 1, captured);
	text[n] = '\0';
	fclose(captured);
	return text;
}

static char seen[1024];
static int seen_level, seen_err, seen_calls;

static void collecting_callback(enum llapi_message_level level, int err, const char *fmt, va_list ap)
{
	seen_level = (int)level;
	seen_err = err;
	seen_calls++;
	vsnprintf(seen, sizeof(seen), fmt, ap);
}

static void test_default_level_prints_to_stderr(void)
{
	char expected[512];
	CHECK(llapi_msg_get_level() == LLAPI_MSG_MAX, "default level %d", llapi_msg_get_level());
	capture_start();
	errno = EBADF;
	llapi_error(LLAPI_MSG_ERROR, -ENOENT, "cannot import '%s'", "/mnt/x");
	int after = errno;
	llapi_err_noerrno(LLAPI_MSG_WARN, "warning: %s() called without %s", "f", "FLAG");
	llapi_error(LLAPI_MSG_ERROR, EEXIST, "trailing newline '%s'\n", "kept out");
	char *text = capture_end();
	CHECK(after == EBADF, "errno not preserved: %d", after);
	snprintf(expected, sizeof(expected),
		 "%s: cannot import '/mnt/x': No such file or directory (2)\n"
		 "%s: warning: f() called without FLAG\n"
		 "%s: trailing newline 'kept out': File exists (17)\n",
		 program_invocation_short_name, program_invocation_short_name, program_invocation_short_name);
	CHECK(strcmp(text, expected) == 0, "stderr was:\n%s\nexpected:\n%s", text, expected);
}

static void test_level_filters(void)
{
	llapi_msg_set_level(LLAPI_MSG_ERROR);
	capture_start();
	llapi_err_noerrno(LLAPI_MSG_WARN, "a warning below the level");
	llapi_error(LLAPI_MSG_ERROR, 5, "an error at the level");
	char *text = capture_end();
	CHECK(strstr(text, "below") == NULL && strstr(text, "an error at the level: Input/output error (5)") != NULL,
	      "level ERROR let through:\n%s", text);
	llapi_msg_set_level(-3);
	CHECK(llapi_msg_get_level() == LLAPI_MSG_OFF, "below OFF: %d", llapi_msg_get_level());
	llapi_msg_set_level(99);
	CHECK(llapi_msg_get_level() == LLAPI_MSG_MAX, "above MAX: %d", llapi_msg_get_level());
	llapi_msg_set_level(LLAPI_MSG_OFF);
	capture_start();
	llapi_error(LLAPI_MSG_FATAL, 1, "nothing at OFF");
	text = capture_end();
	CHECK(text[0] == '\0', "level OFF printed: %s", text);
	llapi_msg_set_level(LLAPI_MSG_MAX);
}

static void test_callbacks_take_the_messages(void)
{
	llapi_log_callback_t old = llapi_error_callback_set(collecting_callback);
	CHECK(old != NULL && old != collecting_callback, "the default callback is returned");
	capture_start();
	llapi_error(LLAPI_MSG_ERROR, -EEXIST, "cannot start copytool on '%s'", "/mnt/lustre");
	char *text = capture_end();
	CHECK(text[0] == '\0', "stderr got: %s", text);
	CHECK(seen_calls == 1 && seen_level == LLAPI_MSG_ERROR && seen_err == EEXIST &&
		      strcmp(seen, "cannot start copytool on '/mnt/lustre'") == 0,
	      "callback saw %d calls, level %d err %d '%s'", seen_calls, seen_level, seen_err, seen);
	llapi_err_noerrno(LLAPI_MSG_WARN, "no errno");
	CHECK(seen_level == (LLAPI_MSG_WARN | LLAPI_MSG_NO_ERRNO) && seen_err == 0, "noerrno: level %#x err %d",
	      seen_level, seen_err);
	CHECK(llapi_error_callback_set(NULL) == collecting_callback, "set(NULL) returns the replaced callback");
	CHECK(llapi_error_callback_set(NULL) == old, "set(NULL) put the default back");

	seen_calls = 0;
	old = llapi_info_callback_set(collecting_callback);
	CHECK(old != NULL, "default info callback");
	llapi_printf(LLAPI_MSG_NORMAL, "%d files", 3);
	CHECK(seen_calls == 1 && seen_level == LLAPI_MSG_NORMAL && strcmp(seen, "3 files") == 0, "info: '%s'", seen);
	llapi_info_callback_set(NULL);
}

static void test_event_fifo_setup(const char *dir)
{
	char path[4096];
	struct stat st;
	llapi_error_callback_set(collecting_callback);

	snprintf(path, sizeof(path), "%s/regular", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	seen_calls = 0;
	int rc = llapi_hsm_register_event_fifo(path);
	CHECK(rc == -EEXIST, "a regular file in the way: %d", rc);
	CHECK(seen_calls == 1 && seen_err == EEXIST && strstr(seen, "exists but is not a pipe or has a wrong mode"),
	      "message '%s' err %d", seen, seen_err);

	snprintf(path, sizeof(path), "%s/fifo0600", dir);
	mkfifo(path, 0600);
	chmod(path, 0600);
	CHECK(llapi_hsm_register_event_fifo(path) == -EEXIST, "a FIFO of mode 0600 is refused");

	snprintf(path, sizeof(path), "%s/fifo0644", dir);
	mkfifo(path, 0644);
	chmod(path, 0644); /* whatever the umask */
	rc = llapi_hsm_register_event_fifo(path);
	CHECK(rc == 0, "a FIFO of mode 0644: %d", rc);
	CHECK(llapi_hsm_unregister_event_fifo(path) == 0, "unregister");
	CHECK(stat(path, &st) == 0, "a FIFO the library did not make stays");

	snprintf(path, sizeof(path), "%s/made", dir);
	rc = llapi_hsm_register_event_fifo(path);
	CHECK(rc == 0 && stat(path, &st) == 0 && S_ISFIFO(st.st_mode), "made: %d", rc);
	CHECK(llapi_hsm_unregister_event_fifo(path) == 0, "unregister");
	CHECK(stat(path, &st) != 0 && errno == ENOENT, "the FIFO the library made is unlinked at unregister");
	llapi_error_callback_set(NULL);
}

/* llapi_hsm_log_error as an error callback: the library's messages become LOGGED_MESSAGE events, escaped as real. */
static void test_logged_message_event(const char *dir)
{
	char path[4096], line[4096];
	snprintf(path, sizeof(path), "%s/events", dir);
	CHECK(llapi_hsm_register_event_fifo(path) == 0, "register");
	int reader = open(path, O_RDONLY | O_NONBLOCK);
	llapi_error_callback_set(llapi_hsm_log_error);
	llapi_error(LLAPI_MSG_ERROR, -ENOENT, "cannot open '%s'", "a\tb\\c\"d");
	llapi_error_callback_set(NULL);
	ssize_t n = read(reader, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	/* liblustreapi_json.c: items in reverse order of adding, "key": value, ", " between; its escape doubles up */
	const char *tail = "\"event_type\": \"LOGGED_MESSAGE\", \"level\": \"ERROR\", "
			   "\"message\": \"cannot open 'a\\\\tb\\\\\\\\c\\\\\"d'\", \"error\": \"No such file or directory\", "
			   "\"errno\": 2}\n";
	CHECK(strncmp(line, "{\"event_time\": \"", 16) == 0 && strlen(line) > strlen(tail) &&
		      strcmp(line + strlen(line) - strlen(tail), tail) == 0,
	      "event:\n%s\nexpected to end with:\n%s", line, tail);
	/* a warning without errno: the level by llapi_msg_level2str's name, which is WARNING (lustreapi.h) */
	llapi_error_callback_set(llapi_hsm_log_error);
	llapi_err_noerrno(LLAPI_MSG_WARN, "careful");
	llapi_error_callback_set(NULL);
	n = read(reader, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	const char *warning = "\"event_type\": \"LOGGED_MESSAGE\", \"level\": \"WARNING\", \"message\": \"careful\"}\n";
	CHECK(strlen(line) > strlen(warning) && strcmp(line + strlen(line) - strlen(warning), warning) == 0,
	      "event:\n%s\nexpected to end with:\n%s", line, warning);
	close(reader);
	llapi_hsm_unregister_event_fifo(path);
}

int main(void)
{
	char dir[] = "/tmp/llapi_log_test.XXXXXX";
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	test_default_level_prints_to_stderr();
	test_level_filters();
	test_callbacks_take_the_messages();
	test_event_fifo_setup(dir);
	test_logged_message_event(dir);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stdout, "could not remove %s\n", dir);
	printf("llapi_log_test: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}

/*
 * hsmsim-request SOCKET VERB [KEY=VALUE]...: sends one protocol request to a simulator daemon and prints the reply's
 * pairs, one "key=value" per line (values decoded).  Exit 0 for OK; for ERR the errno (capped at 255).
 * Used by test-cluster/bin/cluster for what is not a Lustre command (MOUNT, STATUS, STOP).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hsmsim/hsmsim_internal.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: hsmsim-request SOCKET VERB [KEY=VALUE]...\n");
		return 22;
	}
	struct hsmsim_cluster c = { 0 };
	snprintf(c.socket, sizeof(c.socket), "%s", argv[1]);
	struct hsmsim_msg m;
	hsmsim_msg_init(&m, argv[2]);
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL) {
			fprintf(stderr, "hsmsim-request: '%s' is not KEY=VALUE\n", argv[i]);
			return 22;
		}
		*eq = '\0';
		hsmsim_msg_str(&m, argv[i], eq + 1);
	}
	struct hsmsim_reply r;
	int rc = hsmsim_call(&c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc != 0) {
		fprintf(stderr, "hsmsim-request %s: %s\n", argv[2], strerror(-rc));
		return -rc > 255 ? 255 : -rc;
	}
	for (int i = 0; i < r.count; i++)
		printf("%s=%s\n", r.keys[i], r.values[i]);
	hsmsim_reply_free(&r);
	return 0;
}

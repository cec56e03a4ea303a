/*
 * lctl: get_param / set_param / list_param for the coordinator parameters of every simulated file system mounted
 * here (mdt.<fsname>-MDT0000.hsm_control and mdt.<fsname>-MDT0000.hsm.*, and the same for every further MDT of a DNE
 * file system: each MDT runs a coordinator of its own), mdt.<fsname>-MDTxxxx.evict_client (write-only), and the
 * clients' mdc.<fsname>-MDTxxxx-mdc-<instance>.active (also as `lctl --device MDC activate|deactivate`), in lctl's
 * output format.  A thin client of the daemon's protocol: parameters are not part of liblustreapi.
 *
 * With several simulated file systems mounted (e.g. parallel test runs), HSMSIM_ROOT (as `cluster env` exports it)
 * restricts lctl to the cluster rooted there; a real lctl would see only its own node's MDTs.
 *
 * `lctl --device MDT changelog_register | changelog_deregister` are MDS commands: Lustre builds them only with
 * server support, and they act on a local MDT device (lustre/utils/obd.c jt_changelog_register, ~7090-7183); a
 * client's lctl prints "error: changelog_register: invalid ioctl" and fails with EOPNOTSUPP (obd.c ~7276-7289,
 * lctl.c returns -rc as the exit status).  Every process of this simulator is on a client, so these commands work
 * only when lctl is told it runs on the simulated MDS: HSMSIM_ROLE=mds in its environment.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "hsmsim/hsmsim_internal.h"

#define MAX_CLUSTERS 16

static int param_error(const char *cmd, const char *pattern, int rc)
{
	fprintf(stderr, "error: %s: param_path '%s': %s\n", cmd, pattern, strerror(-rc));
	return rc == -ENOENT ? 2 : 1;
}

static bool on_mds(void);

/* Sends verb for pattern to every cluster and prints the replies as lctl does (nothing when quiet). */
static int each_reply(const char *verb, const char *pattern, const char *value, int only_value, bool quiet)
{
	struct hsmsim_cluster clusters[MAX_CLUSTERS];
	int n = hsmsim_clusters(clusters, MAX_CLUSTERS);
	int matched = 0, rc = 0;
	const char *only_root = getenv("HSMSIM_ROOT");
	char only_socket[PATH_MAX] = "";
	if (only_root != NULL && *only_root != '\0' && strlen(only_root) + strlen(HSMSIM_SOCKET_REL) + 2 < PATH_MAX) {
		strcpy(only_socket, only_root);
		strcat(only_socket, "/" HSMSIM_SOCKET_REL);
	}
	if (only_socket[0] != '\0' && on_mds()) {
		/* the MDS's lctl acts on its local devices: it needs no client mount (which an MDS restart unmounts
		 * while the MDT is still stopping) */
		memset(&clusters[0], 0, sizeof(clusters[0]));
		strcpy(clusters[0].socket, only_socket);
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		if (only_socket[0] != '\0' && strcmp(clusters[i].socket, only_socket) != 0)
			continue;
		struct hsmsim_msg m;
		struct hsmsim_reply r;
		hsmsim_msg_init(&m, verb);
		hsmsim_msg_str(&m, "pattern", pattern);
		if (value != NULL)
			hsmsim_msg_str(&m, "value", value);
		int c = hsmsim_call(&clusters[i], &m, &r);
		hsmsim_msg_free(&m);
		if (c != 0) {
			rc = c;
			continue;
		}
		for (int k = 0; k < r.count; k++) {
			if (strcmp(r.keys[k], "param") != 0)
				continue;
			matched++;
			const char *name = r.values[k];
			if (quiet)
				continue;
			if (strcmp(verb, "LIST_PARAM") == 0) {
				printf("%s\n", name);
			} else if (strcmp(verb, "SET_PARAM") == 0) {
				printf("%s=%s\n", name, value);
			} else {
				const char *v = k + 1 < r.count && strcmp(r.keys[k + 1], "value") == 0 ? r.values[k + 1] : "";
				size_t len = strlen(v);
				bool multiline = len > 0 && v[len - 1] == '\n';
				if (only_value)
					printf("%s%s", v, multiline ? "" : "\n");
				else if (multiline || strcmp(name + strlen(name) - 6, "agents") == 0 ||
					 strstr(name, "actions") != NULL || strstr(name, "active_requests") != NULL)
					printf("%s=\n%s", name, v);
				else
					printf("%s=%s\n", name, v);
			}
		}
		hsmsim_reply_free(&r);
	}
	if (rc != 0)
		return rc;
	return matched > 0 ? 0 : -ENOENT;
}

/* Whether this lctl plays the one on the MDS (HSMSIM_ROLE=mds), where the MDT devices are local. */
static bool on_mds(void)
{
	const char *role = getenv("HSMSIM_ROLE");
	return role != NULL && strcmp(role, "mds") == 0;
}

/* lctl --device MDT changelog_register | changelog_deregister ID */
static int changelog_user(const char *mdt, const char *cmd, const char *id)
{
	if (!on_mds()) {
		/* a client-only build of lctl (obd.c, !HAVE_SERVER_SUPPORT) */
		fprintf(stderr, "error: %s: invalid ioctl\n", cmd);
		return EOPNOTSUPP;
	}
	struct hsmsim_cluster c;
	int rc = hsmsim_cluster_of_fsname(mdt, &c);
	if (rc != 0) {
		fprintf(stderr, "lctl %s: no device %s: %s\n", cmd, mdt, strerror(-rc));
		return 19;
	}
	struct hsmsim_msg m;
	struct hsmsim_reply r;
	bool reg = strcmp(cmd, "changelog_register") == 0;
	hsmsim_msg_init(&m, reg ? "CHANGELOG_REGISTER" : "CHANGELOG_DEREGISTER");
	hsmsim_msg_str(&m, "mdt", mdt);
	if (!reg)
		hsmsim_msg_str(&m, "id", id);
	rc = hsmsim_call(&c, &m, &r);
	hsmsim_msg_free(&m);
	if (rc != 0) {
		fprintf(stderr, "lctl %s: %s\n", cmd, strerror(-rc));
		return 1;
	}
	if (reg)
		printf("%s: Registered changelog userid '%s'\n", mdt, hsmsim_reply_get(&r, "id"));
	else
		printf("%s: Deregistered changelog user #%s\n", mdt, id + (strncmp(id, "cl", 2) == 0 ? 2 : 0));
	hsmsim_reply_free(&r);
	return 0;
}

/*
 * lctl --device MDC activate | deactivate (obd.c jt_obd_activate/jt_obd_deactivate 2332-2340:
 * OBD_IOC_SET_ACTIVE, which mdc_iocontrol turns into ptlrpc_set_import_active, mdc_request.c 2373-2374, as writing
 * mdc.*.active does). Prints nothing on success.
 */
static int mdc_activate(const char *device, const char *cmd)
{
	char param[PATH_MAX];
	if (snprintf(param, sizeof(param), "mdc.%s.active", device) >= (int)sizeof(param))
		return 36;
	int rc = each_reply("SET_PARAM", param, cmd[0] == 'a' ? "1" : "0", 0, true);
	if (rc != 0) {
		fprintf(stderr, "error: %s: %s: %s\n", cmd, device, strerror(-rc));
		return rc == -ENOENT ? 19 : 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* lctl --device MDT changelog_register | changelog_deregister ID  (MDT: "lustre-MDT0000") */
	if (argc >= 4 && strcmp(argv[1], "--device") == 0 &&
	    (strcmp(argv[3], "changelog_register") == 0 || (strcmp(argv[3], "changelog_deregister") == 0 && argc == 5)))
		return changelog_user(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	/* lctl --device FSNAME-MDTxxxx-mdc-INSTANCE activate | deactivate: on a client's MDC, as set_param ...active */
	if (argc == 4 && strcmp(argv[1], "--device") == 0 &&
	    (strcmp(argv[3], "activate") == 0 || strcmp(argv[3], "deactivate") == 0))
		return mdc_activate(argv[2], argv[3]);
	if (argc < 3) {
		fprintf(stderr, "usage: lctl get_param [-n] PARAM... | set_param PARAM=VALUE... | list_param PARAM...\n"
				"       lctl --device MDT changelog_register | changelog_deregister ID\n"
				"       lctl --device MDC activate | deactivate\n");
		return 22;
	}
	const char *cmd = argv[1];
	int status = 0;
	if (strcmp(cmd, "get_param") == 0 || strcmp(cmd, "list_param") == 0) {
		int only_value = 0, first = 2;
		if (strcmp(argv[2], "-n") == 0) {
			only_value = 1;
			first = 3;
		}
		for (int i = first; i < argc; i++) {
			int rc = each_reply(cmd[0] == 'g' ? "GET_PARAM" : "LIST_PARAM", argv[i], NULL, only_value, false);
			if (rc != 0)
				status = param_error(cmd, argv[i], rc);
		}
	} else if (strcmp(cmd, "set_param") == 0) {
		for (int i = 2; i < argc; i++) {
			char *eq = strchr(argv[i], '=');
			if (eq == NULL) {
				fprintf(stderr, "error: set_param: setting %s: no value\n", argv[i]);
				status = 22;
				continue;
			}
			*eq = '\0';
			int rc = each_reply("SET_PARAM", argv[i], eq + 1, 0, false);
			if (rc != 0) {
				fprintf(stderr, "error: set_param: setting '%s'='%s': %s\n", argv[i], eq + 1, strerror(-rc));
				status = rc == -ENOENT ? 2 : 1;
			}
		}
	} else {
		fprintf(stderr, "lctl: unknown command '%s'\n", cmd);
		return 22;
	}
	return status;
}

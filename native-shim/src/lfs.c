/*
 * lfs: the HSM and FID subset of Lustre's lfs, with its syntax and output (lustre/utils/lfs.c), written against the
 * liblustreapi prototypes only; the DNE subset (mkdir/setdirstripe -i/-c, getdirstripe, mdts, getstripe -m), which
 * asks the simulator's daemon where Lustre's lfs uses ioctls on the directory; and plain file layouts (setstripe
 * -c/-S/-i/-p, getstripe), through the lustre.lov xattr where lfs uses the layout ioctls.  Errors: "lfs <command>:
 * <what> '<path>' failed: <strerror>", non-zero exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <lustre/lustreapi.h>

#include "hsmsim/hsmsim_internal.h"

static const char *command;

static int fail(const char *what, const char *path, int rc)
{
	fprintf(stderr, "lfs %s: %s '%s' failed: %s\n", command, what, path, strerror(rc < 0 ? -rc : rc));
	return rc < 0 ? -rc : rc;
}

static int usage(const char *text)
{
	fprintf(stderr, "usage: lfs %s %s\n", command, text);
	return 22;
}

/* ------------------------------------------------------------------ hsm_archive / restore / release / remove / cancel */

struct request_items {
	char **paths;  /* a path per item (or a FID text with --mntpath) */
	int count;
	int cap;
};

static int add_item(struct request_items *items, const char *text)
{
	if (items->count == items->cap) {
		int cap = items->cap ? items->cap * 2 : 16;
		char **p = realloc(items->paths, sizeof(char *) * (size_t)cap);
		if (p == NULL)
			return -ENOMEM;
		items->paths = p;
		items->cap = cap;
	}
	items->paths[items->count] = strdup(text);
	if (items->paths[items->count] == NULL)
		return -ENOMEM;
	items->count++;
	return 0;
}

static int read_filelist(struct request_items *items, const char *file)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (f == NULL)
		return -errno;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0)
			rc = add_item(items, line);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int hsm_request_command(int argc, char **argv, int action)
{
	static const struct option opts[] = {
		{ "archive", required_argument, NULL, 'a' }, { "data", required_argument, NULL, 'd' },
		{ "filelist", required_argument, NULL, 'l' }, { "mntpath", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	int archive_id = 0, c, rc = 0;
	const char *data = NULL, *mntpath = NULL;
	struct request_items items = { 0 };
	while ((c = getopt_long(argc, argv, "a:d:l:m:", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (action != HUA_ARCHIVE && action != HUA_REMOVE)
				return usage("[--filelist FILE] [--data DATA] [--mntpath MNT] FILE...");
			archive_id = atoi(optarg);
			break;
		case 'd':
			data = optarg;
			break;
		case 'l':
			rc = read_filelist(&items, optarg);
			if (rc != 0)
				return fail("read file list", optarg, rc);
			break;
		case 'm':
			mntpath = optarg;
			break;
		default:
			return usage("[--archive ID] [--filelist FILE] [--data DATA] [--mntpath MNT] FILE...");
		}
	}
	for (int i = optind; i < argc; i++)
		if ((rc = add_item(&items, argv[i])) != 0)
			return fail("add", argv[i], rc);
	if (items.count == 0)
		return usage("[--archive ID] [--filelist FILE] [--data DATA] [--mntpath MNT] FILE...");
	size_t data_len = data ? strlen(data) : 0; /* opaque bytes, no NUL (sanity-hsm 104) */
	struct hsm_user_request *hur = llapi_hsm_user_request_alloc(items.count, (int)data_len);
	if (hur == NULL)
		return fail("allocate request for", items.paths[0], -ENOMEM);
	hur->hur_request.hr_action = (__u32)action;
	hur->hur_request.hr_archive_id = (__u32)archive_id;
	hur->hur_request.hr_flags = 0;
	hur->hur_request.hr_itemcount = 0;
	for (int i = 0; i < items.count; i++) {
		struct lu_fid fid;
		/* with --mntpath every item is a FID of a file on that mount, never looked up (lfs.c fill_hur_item) */
		if (mntpath != NULL) {
			rc = llapi_fid_parse(items.paths[i], &fid, NULL);
			if (rc != 0) {
				fprintf(stderr, "hsm: '%s' is not a valid FID\n", items.paths[i]);
				rc = -rc;
				goto out;
			}
		} else {
			rc = llapi_path2fid(items.paths[i], &fid);
			if (rc != 0) {
				rc = fail("get FID of", items.paths[i], rc);
				goto out;
			}
		}
		struct hsm_user_item item = { .hui_fid = fid, .hui_extent = { .offset = 0, .length = (__u64)-1 } };
		memcpy(&hur->hur_user_item[hur->hur_request.hr_itemcount++], &item, sizeof(item));
	}
	if (data != NULL) {
		hur->hur_request.hr_data_len = (__u32)data_len;
		memcpy(hur_data(hur), data, data_len);
	}
	const char *request_path = mntpath != NULL ? mntpath : items.paths[0];
	rc = llapi_hsm_request(request_path, hur);
	if (rc != 0)
		rc = fail("request for", items.count == 1 ? items.paths[0] : request_path, rc);
out:
	free(hur);
	for (int i = 0; i < items.count; i++)
		free(items.paths[i]);
	free(items.paths);
	return rc;
}

/* ------------------------------------------------------------------ hsm_state / hsm_action / hsm_set / hsm_clear */

static int hsm_state(int argc, char **argv)
{
	int rc = 0;
	if (argc < 2)
		return usage("FILE...");
	for (int i = 1; i < argc; i++) {
		struct hsm_user_state hus;
		int r = llapi_hsm_state_get(argv[i], &hus);
		if (r != 0) {
			rc = fail("get HSM state for", argv[i], r);
			continue;
		}
		printf("%s: (0x%08x)", argv[i], hus.hus_states);
		if (hus.hus_states & HS_RELEASED)
			printf(" released");
		if (hus.hus_states & HS_EXISTS)
			printf(" exists");
		if (hus.hus_states & HS_DIRTY)
			printf(" dirty");
		if (hus.hus_states & HS_ARCHIVED)
			printf(" archived");
		if (hus.hus_states & HS_NORELEASE)
			printf(" never_release");
		if (hus.hus_states & HS_NOARCHIVE)
			printf(" never_archive");
		if (hus.hus_states & HS_LOST)
			printf(" lost_from_hsm");
		if (hus.hus_archive_id != 0)
			printf(", archive_id:%d", hus.hus_archive_id);
		printf("\n");
	}
	return rc;
}

static const char *user_action_name(__u32 action)
{
	switch (action) {
	case HUA_ARCHIVE: return "ARCHIVE";
	case HUA_RESTORE: return "RESTORE";
	case HUA_RELEASE: return "RELEASE";
	case HUA_REMOVE: return "REMOVE";
	case HUA_CANCEL: return "CANCEL";
	default: return "NOOP";
	}
}

static const char *progress_state_name(__u32 state)
{
	switch (state) {
	case HPS_WAITING: return "waiting";
	case HPS_RUNNING: return "running";
	case HPS_DONE: return "done";
	default: return "none";
	}
}

static int hsm_action(int argc, char **argv)
{
	int rc = 0;
	if (argc < 2)
		return usage("FILE...");
	for (int i = 1; i < argc; i++) {
		struct hsm_current_action hca;
		int r = llapi_hsm_current_action(argv[i], &hca);
		if (r != 0) {
			rc = fail("get HSM action for", argv[i], r);
			continue;
		}
		if (hca.hca_action == HUA_NONE) {
			printf("%s: NOOP\n", argv[i]);
			continue;
		}
		printf("%s: %s %s ", argv[i], user_action_name(hca.hca_action), progress_state_name(hca.hca_state));
		if ((hca.hca_action == HUA_ARCHIVE || hca.hca_action == HUA_RESTORE) && hca.hca_state == HPS_RUNNING)
			printf("(%llu bytes moved)\n", (unsigned long long)hca.hca_location.length);
		else if (hca.hca_location.length == (__u64)-1)
			printf("(from %llu to EOF)\n", (unsigned long long)hca.hca_location.offset);
		else
			printf("(from %llu to %llu)\n", (unsigned long long)hca.hca_location.offset,
			       (unsigned long long)(hca.hca_location.offset + hca.hca_location.length));
	}
	return rc;
}

static int hsm_set_clear(int argc, char **argv, bool set)
{
	static const struct option opts[] = {
		{ "norelease", no_argument, NULL, 'r' }, { "noarchive", no_argument, NULL, 'a' },
		{ "dirty", no_argument, NULL, 'd' },     { "exists", no_argument, NULL, 'e' },
		{ "archived", no_argument, NULL, 'A' },  { "released", no_argument, NULL, 'R' },
		{ "lost", no_argument, NULL, 'l' },      { "archive-id", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	__u64 mask = 0;
	__u32 archive_id = 0;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
		switch (c) {
		case 'r': mask |= HS_NORELEASE; break;
		case 'a': mask |= HS_NOARCHIVE; break;
		case 'd': mask |= HS_DIRTY; break;
		case 'e': mask |= HS_EXISTS; break;
		case 'A': mask |= HS_ARCHIVED; break;
		case 'R': mask |= HS_RELEASED; break;
		case 'l': mask |= HS_LOST; break;
		case 'i': archive_id = (__u32)atoi(optarg); break;
		default:
			return usage("[--norelease] [--noarchive] [--dirty] [--exists] [--archived] [--released] [--lost] "
				     "[--archive-id ID] FILE...");
		}
	}
	if (optind >= argc || (mask == 0 && archive_id == 0))
		return usage("[--norelease] [--noarchive] [--dirty] [--exists] [--archived] [--released] [--lost] "
			     "[--archive-id ID] FILE...");
	for (int i = optind; i < argc; i++) {
		int r = set ? llapi_hsm_state_set(argv[i], mask, 0, archive_id)
			    : llapi_hsm_state_set(argv[i], 0, mask, archive_id);
		if (r != 0)
			rc = fail("change HSM flags of", argv[i], r);
	}
	return rc;
}

/* ------------------------------------------------------------------ path2fid / fid2path / data_version */

static int path2fid(int argc, char **argv)
{
	int rc = 0;
	if (argc < 2)
		return usage("FILE...");
	for (int i = 1; i < argc; i++) {
		struct lu_fid fid;
		int r = llapi_path2fid(argv[i], &fid);
		if (r != 0) {
			rc = fail("get FID of", argv[i], r);
			continue;
		}
		if (argc > 2)
			printf("%s: ", argv[i]);
		printf(DFID "\n", PFID(&fid));
	}
	return rc;
}

static int fid2path(int argc, char **argv)
{
	static const struct option opts[] = { { "link", required_argument, NULL, 'l' }, { NULL, 0, NULL, 0 } };
	int linkno = 0, c, rc = 0;
	while ((c = getopt_long(argc, argv, "l:", opts, NULL)) != -1) {
		if (c != 'l')
			return usage("[--link N] FSNAME|MOUNT FID...");
		linkno = atoi(optarg);
	}
	if (argc - optind < 2)
		return usage("[--link N] FSNAME|MOUNT FID...");
	const char *device = argv[optind];
	char root[PATH_MAX];
	if (device[0] == '/') {
		if (realpath(device, root) == NULL)
			return fail("find mount", device, -errno);
	} else if ((rc = llapi_search_rootpath(root, device)) != 0) {
		return fail("find mount of", device, rc);
	}
	for (int i = optind + 1; i < argc; i++) {
		char path[PATH_MAX];
		long long recno = -1;
		int ln = linkno;
		int r = llapi_fid2path(device, argv[i], path, sizeof(path), &recno, &ln);
		if (r != 0) {
			rc = fail("get path of", argv[i], r);
			continue;
		}
		if (argc - optind > 2)
			printf("%s: ", argv[i]);
		printf("%s%s%s\n", root, path[0] ? "/" : "", path);
	}
	return rc;
}

static int data_version(int argc, char **argv)
{
	int c, set = 0;
	__u64 flags = 0;
	while ((c = getopt(argc, argv, "nrws")) != -1) {
		switch (c) {
		case 'n': flags = 0; break;
		case 'r': flags = LL_DV_RD_FLUSH; break;
		case 'w': flags = LL_DV_WR_FLUSH; break;
		case 's': set = 1; break;
		default: return usage("[-n|-r|-w|-s] FILE");
		}
	}
	if (optind != argc - 1)
		return usage("[-n|-r|-w|-s] FILE");
	const char *path = argv[optind];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path, -errno);
	__u64 dv;
	int rc = llapi_get_data_version(fd, &dv, flags);
	if (rc == 0 && set)
		rc = llapi_hsm_data_version_set(fd, dv);
	close(fd);
	if (rc != 0)
		return fail(set ? "set data version of" : "get data version of", path, rc);
	if (!set)
		printf("%llu\n", (unsigned long long)dv);
	return 0;
}

/* ------------------------------------------------------------------ changelog / changelog_clear */

static const char *changelog_type_name(__u32 type)
{
	static const char *names[] = { "MARK",	"CREAT", "MKDIR", "HLINK", "SLINK", "MKNOD", "UNLNK", "RMDIR", "RENME",
				       "RNMTO", "OPEN",	 "CLOSE", "LYOUT", "TRUNC", "SATTR", "XATTR", "HSM",   "MTIME",
				       "CTIME", "ATIME", "MIGRT", "FLRW",  "RESYNC", "GXATR", "NOPEN" };
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "UNKNW";
}

/* lfs changelog MDT [STARTREC [ENDREC]]: one line per record, in lfs's format. */
static int changelog(int argc, char **argv)
{
	if (argc < 2 || argc > 4)
		return usage("MDTNAME [STARTREC [ENDREC]]");
	long long start = argc > 2 ? atoll(argv[2]) : 0, end = argc > 3 ? atoll(argv[3]) : -1;
	void *priv;
	int rc = llapi_changelog_start(&priv, CHANGELOG_FLAG_BLOCK, argv[1], start);
	if (rc != 0)
		return fail("start changelog of", argv[1], rc);
	struct changelog_rec *rec;
	while ((rc = llapi_changelog_recv(priv, &rec)) == 0) {
		if (end >= 0 && rec->cr_index > (__u64)end) {
			llapi_changelog_free(&rec);
			break;
		}
		time_t secs = (time_t)(rec->cr_time >> 30);
		struct tm tm;
		localtime_r(&secs, &tm);
		struct lu_fid tfid = rec->cr_tfid, pfid = rec->cr_pfid;
		printf("%llu %02d%-5s %02d:%02d:%02d.%09d %04d.%02d.%02d 0x%x t=" DFID, (unsigned long long)rec->cr_index,
		       rec->cr_type, changelog_type_name(rec->cr_type), tm.tm_hour, tm.tm_min, tm.tm_sec,
		       (int)(rec->cr_time & ((1 << 30) - 1)), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		       rec->cr_flags & CLF_FLAGMASK, PFID(&tfid));
		char *ext = (char *)rec + sizeof(*rec);
		struct changelog_ext_rename *rn = NULL;
		if (rec->cr_flags & CLF_RENAME) {
			rn = (struct changelog_ext_rename *)ext;
			ext += sizeof(*rn);
		}
		if (rec->cr_flags & CLF_JOBID)
			ext += sizeof(struct changelog_ext_jobid);
		if (rec->cr_flags & CLF_EXTRA_FLAGS)
			ext += sizeof(struct changelog_ext_extra_flags);
		if (rec->cr_namelen)
			printf(" p=" DFID " %.*s", PFID(&pfid), rec->cr_namelen, ext);
		if (rn != NULL && (rn->cr_sfid.f_seq != 0 || rn->cr_sfid.f_oid != 0)) {
			/* the source name follows the target name's NUL within cr_namelen */
			size_t tlen = strnlen(ext, rec->cr_namelen);
			int slen = tlen < rec->cr_namelen ? (int)(rec->cr_namelen - tlen - 1) : 0;
			printf(" s=" DFID " sp=" DFID " %.*s", PFID(&rn->cr_sfid), PFID(&rn->cr_spfid), slen,
			       ext + tlen + (slen > 0 ? 1 : 0));
		}
		printf("\n");
		llapi_changelog_free(&rec);
	}
	llapi_changelog_fini(&priv);
	return rc < 0 ? fail("read changelog of", argv[1], rc) : 0;
}

static int changelog_clear(int argc, char **argv)
{
	if (argc != 4)
		return usage("MDTNAME ID ENDREC");
	int rc = llapi_changelog_clear(argv[1], argv[2], atoll(argv[3]));
	return rc != 0 ? fail("clear changelog of", argv[1], rc) : 0;
}

/* ------------------------------------------------------------------ DNE: directory placement and MDTs */

/* The daemon and the path relative to its root, for a path that need not exist yet (its directory must). */
static int cluster_of_new_path(const char *path, struct hsmsim_cluster *c, char *rel, size_t rel_size)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	char *slash = strrchr(dir, '/');
	const char *name = slash == NULL ? dir : slash + 1;
	char parent[PATH_MAX];
	if (slash == NULL)
		strcpy(parent, ".");
	else if (slash == dir)
		strcpy(parent, "/");
	else
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - dir), dir);
	char prel[PATH_MAX];
	int rc = hsmsim_cluster_of_path(parent, c, prel, sizeof(prel));
	if (rc != 0)
		return rc;
	if (snprintf(rel, rel_size, "%s%s%s", prel, prel[0] ? "/" : "", name) >= (int)rel_size)
		return -ENAMETOOLONG;
	return 0;
}

/* lfs mkdir|setdirstripe [-i MDT] [-c COUNT] [-H fnv_1a_64] [-m MODE] DIR...: a directory on MDT -i (-1: where
 * its parent places it), striped over -c MDTs; plain mkdir(2) without -i and -c, as Lustre's lfs does. */
static int dir_create(int argc, char **argv)
{
	static const struct option opts[] = { { "mdt-index", required_argument, NULL, 'i' },
					       { "mdt-count", required_argument, NULL, 'c' },
					       { "mdt-hash", required_argument, NULL, 'H' },
					       { "mode", required_argument, NULL, 'm' },
					       { NULL, 0, NULL, 0 } };
	int offset = -1, count = 0, c, rc = 0;
	bool placed = false;
	mode_t mode = 0777;
	const char *help = "[--mdt-index|-i MDT] [--mdt-count|-c COUNT] [--mdt-hash|-H fnv_1a_64] [--mode|-m MODE] DIR...";
	while ((c = getopt_long(argc, argv, "i:c:H:m:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			offset = atoi(optarg);
			placed = true;
			break;
		case 'c':
			count = atoi(optarg);
			placed = true;
			break;
		case 'H':
			if (strcmp(optarg, "fnv_1a_64") != 0) {
				fprintf(stderr, "lfs %s: hash type '%s' is not simulated (fnv_1a_64 is)\n", command, optarg);
				return 22;
			}
			break;
		case 'm':
			mode = strtoul(optarg, NULL, 8);
			break;
		default:
			return usage(help);
		}
	}
	if (optind >= argc)
		return usage(help);
	for (int i = optind; i < argc; i++) {
		if (!placed) {
			if (mkdir(argv[i], mode) != 0)
				rc = fail("mkdir", argv[i], -errno);
			continue;
		}
		struct hsmsim_cluster cl;
		char rel[PATH_MAX];
		int r = cluster_of_new_path(argv[i], &cl, rel, sizeof(rel));
		if (r != 0) {
			rc = fail("dirstripe of", argv[i], r);
			continue;
		}
		mode_t mask = umask(0);
		umask(mask);
		struct hsmsim_msg m;
		struct hsmsim_reply reply;
		hsmsim_msg_init(&m, "MKDIR");
		hsmsim_msg_str(&m, "path", rel);
		hsmsim_msg_i64(&m, "offset", offset);
		hsmsim_msg_i64(&m, "count", count);
		hsmsim_msg_u64(&m, "mode", mode & ~mask);
		r = hsmsim_call(&cl, &m, &reply);
		hsmsim_msg_free(&m);
		if (r != 0) {
			rc = fail("dirstripe of", argv[i], r);
			continue;
		}
		hsmsim_reply_free(&reply);
	}
	return rc;
}

/* lfs getdirstripe [-i|-m] [-c|-T] [-H] DIR...: the directory's LMV layout as lfs prints it
 * (liblustreapi.c lmv_dump_user_lmm; every field with their names by default, only the value for one field). */
static int getdirstripe(int argc, char **argv)
{
	static const struct option opts[] = { { "mdt-index", no_argument, NULL, 'i' },
					       { "mdt-count", no_argument, NULL, 'c' },
					       { "mdt-hash", no_argument, NULL, 'H' },
					       { NULL, 0, NULL, 0 } };
	enum { COUNT = 1, OFFSET = 2, HASH = 4, OBJID = 8 };
	int verbose = 0, c, rc = 0;
	while ((c = getopt_long(argc, argv, "icmTH", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
		case 'm':
			verbose |= OFFSET;
			break;
		case 'c':
		case 'T':
			verbose |= COUNT;
			break;
		case 'H':
			verbose |= HASH;
			break;
		default:
			return usage("[--mdt-index|-i] [--mdt-count|-c] [--mdt-hash|-H] DIR...");
		}
	}
	if (verbose == 0)
		verbose = COUNT | OFFSET | HASH | OBJID;
	if (optind >= argc)
		return usage("[--mdt-index|-i] [--mdt-count|-c] [--mdt-hash|-H] DIR...");
	for (int i = optind; i < argc; i++) {
		struct hsmsim_cluster cl;
		char rel[PATH_MAX];
		int r = hsmsim_cluster_of_path(argv[i], &cl, rel, sizeof(rel));
		struct hsmsim_msg m;
		struct hsmsim_reply reply;
		if (r == 0) {
			hsmsim_msg_init(&m, "GETDIRSTRIPE");
			hsmsim_msg_str(&m, "path", rel);
			r = hsmsim_call(&cl, &m, &reply);
			hsmsim_msg_free(&m);
		}
		if (r != 0) {
			rc = fail("get dirstripe of", argv[i], r);
			continue;
		}
		const char *sep = "";
		bool one = (verbose & (verbose - 1)) == 0; /* a single field: its value alone */
		if (verbose & COUNT) {
			printf("%s%s%s", sep, one ? "" : "lmv_stripe_count: ", hsmsim_reply_get(&reply, "count"));
			sep = " ";
		}
		if (verbose & OFFSET) {
			printf("%s%s%s", sep, one ? "" : "lmv_stripe_offset: ", hsmsim_reply_get(&reply, "offset"));
			sep = " ";
		}
		if (verbose & HASH) {
			printf("%s%s%s", sep, one ? "" : "lmv_hash_type: ", hsmsim_reply_get(&reply, "hash"));
			sep = " ";
		}
		printf("\n");
		if (verbose & OBJID) {
			bool header = false;
			for (int k = 0; k < reply.count; k++) {
				if (strcmp(reply.keys[k], "stripe") != 0)
					continue;
				if (!header) {
					printf("mdtidx\t\t FID[seq:oid:ver]\n");
					header = true;
				}
				const char *comma = strchr(reply.values[k], ',');
				if (comma != NULL)
					printf("%6d\t\t [%s]\t\t\n", atoi(reply.values[k]), comma + 1);
			}
		}
		hsmsim_reply_free(&reply);
	}
	return rc;
}

/* lfs mdts [MOUNT]: "MDTS:" and one "INDEX: FSNAME-MDTxxxx_UUID ACTIVE" line per MDT (liblustreapi_param.c
 * llapi_ostlist, from the LMV's target list). */
static int mdts(int argc, char **argv)
{
	if (argc > 2)
		return usage("[MOUNT]");
	struct hsmsim_cluster all[16];
	int n;
	if (argc == 2) {
		if (hsmsim_cluster_of_path(argv[1], &all[0], NULL, 0) != 0) {
			fprintf(stderr, "error: mdts: failed on %s\n", argv[1]);
			return 2;
		}
		n = 1;
	} else {
		n = hsmsim_clusters(all, 16);
	}
	for (int i = 0; i < n; i++) {
		int count = 0;
		const char *mnt = all[i].mnt[0] ? all[i].mnt : argv[1];
		int r = llapi_get_obd_count((char *)mnt, &count, 1);
		if (r != 0) {
			fprintf(stderr, "error: mdts: failed on %s\n", mnt);
			return -r;
		}
		printf("MDTS:\n");
		for (int k = 0; k < count; k++)
			printf("%d: %s-MDT%04x_UUID ACTIVE\n", k, all[i].fsname, k);
	}
	return 0;
}

/* ------------------------------------------------------------------ setstripe / getstripe (plain RAID0 layouts) */

/* struct lov_user_md_v1/_v3 as the lustre.lov xattr carries them (lustre_user.h; packed, host order): magic@0,
 * pattern@4, lmm_oi@8 (16 bytes), stripe_size@24 u32, stripe_count@28 u16, stripe_offset@30 u16, pool@32 (v3) */
#define LFS_XATTR_LOV "lustre.lov"
#define LFS_LOV_MAGIC_V1 0x0BD10BD0
#define LFS_LOV_MAGIC_V3 0x0BD30BD0
#define LFS_LOV_V1_SIZE 32
#define LFS_LOV_V3_SIZE 48
#define LFS_LOV_POOL_SIZE 16 /* LOV_MAXPOOLNAME + 1 */
#define LFS_PATTERN_RAID0 0x1
#define LFS_PATTERN_RELEASED 0x80000000u

static void put_u32(unsigned char *b, __u32 v) { memcpy(b, &v, 4); }
static void put_u16(unsigned char *b, __u16 v) { memcpy(b, &v, 2); }
static __u32 get_u32(const unsigned char *b) { __u32 v; memcpy(&v, b, 4); return v; }
static __u16 get_u16(const unsigned char *b) { __u16 v; memcpy(&v, b, 2); return v; }

/* "4M", "65536", "1G" (llapi_parse_size: bytes, or k/M/G/T units of 1024) */
static int parse_size(const char *text, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 0);
	if (errno != 0 || end == text)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case 't': case 'T': v <<= 40; end++; break;
	default: return -EINVAL;
	}
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * lfs setstripe [-c COUNT] [-S SIZE] [-i INDEX] [-p POOL] FILE...: creates each file with that layout, as lfs does
 * (llapi_file_open_param: open O_CREAT|O_LOV_DELAY_CREATE, then set the layout before anything is written); here
 * through the lustre.lov xattr.  A file that already holds data has its layout: "stripe already set" (EEXIST).
 * Composite (-E), directory defaults and OST lists are not simulated.
 */
static int setstripe(int argc, char **argv)
{
	static const char *use = "[-c STRIPE_COUNT] [-S STRIPE_SIZE] [-i START_OST] [-p POOL] FILE...";
	static const struct option opts[] = { { "stripe-count", required_argument, NULL, 'c' },
					       { "stripe-size", required_argument, NULL, 'S' },
					       { "stripe-index", required_argument, NULL, 'i' },
					       { "pool", required_argument, NULL, 'p' },
					       { NULL, 0, NULL, 0 } };
	long count = 0, index = -1;
	unsigned long long size = 0;
	const char *pool = NULL;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "c:S:i:p:", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'c':
			count = strtol(optarg, &end, 0);
			if (*end != '\0' || count < -1 || count > 65535)
				return usage(use);
			break;
		case 'S':
			if (parse_size(optarg, &size) != 0 || size > 0xffffffffULL)
				return usage(use);
			if (size % 65536 != 0) { /* lfs checks LOV_MIN_STRIPE_SIZE itself */
				fprintf(stderr, "lfs setstripe: stripe size '%s' not a multiple of 64 KiB\n", optarg);
				return EINVAL;
			}
			break;
		case 'i':
			index = strtol(optarg, &end, 0);
			if (*end != '\0' || index < -1 || index > 65534)
				return usage(use);
			break;
		case 'p':
			pool = optarg;
			if (strlen(pool) >= LFS_LOV_POOL_SIZE) {
				fprintf(stderr, "lfs setstripe: pool name '%s' is too long\n", pool);
				return EINVAL;
			}
			break;
		default:
			return usage(use);
		}
	}
	if (optind >= argc)
		return usage(use);
	unsigned char lum[LFS_LOV_V3_SIZE];
	memset(lum, 0, sizeof(lum));
	bool v3 = pool != NULL && pool[0] != '\0';
	put_u32(lum, v3 ? LFS_LOV_MAGIC_V3 : LFS_LOV_MAGIC_V1);
	put_u32(lum + 4, LFS_PATTERN_RAID0);
	put_u32(lum + 24, (__u32)size);
	put_u16(lum + 28, (__u16)count); /* -1 is 0xffff: every OST */
	put_u16(lum + 30, (__u16)index);
	if (v3)
		memcpy(lum + 32, pool, strlen(pool));
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		struct stat st;
		if (stat(path, &st) == 0) {
			if (!S_ISREG(st.st_mode)) {
				rc = fail("setstripe on", path, -EOPNOTSUPP); /* directory defaults are not simulated */
				continue;
			}
			int probe = open(path, O_RDONLY | O_NONBLOCK);
			__u64 dv = 0;
			if (probe >= 0) {
				llapi_get_data_version(probe, &dv, 0);
				close(probe);
			}
			if (st.st_size != 0 || dv != 0) {
				fprintf(stderr, "lfs setstripe: setstripe error for '%s': stripe already set\n", path);
				rc = EEXIST;
				continue;
			}
		}
		int fd = open(path, O_CREAT | O_WRONLY | O_NOCTTY | FASYNC, 0644);
		if (fd < 0) {
			rc = fail("create", path, -errno);
			continue;
		}
		if (fsetxattr(fd, LFS_XATTR_LOV, lum, v3 ? LFS_LOV_V3_SIZE : LFS_LOV_V1_SIZE, 0) != 0)
			rc = fail("set layout of", path, -errno);
		close(fd);
	}
	return rc;
}

/* The layout lines of lfs getstripe (liblustreapi.c lov_dump_user_lmm_header) for a plain layout; the object table
 * is not printed: the simulator has no OST objects. */
static int print_layout(const char *path, bool header, int only)
{
	unsigned char lum[256];
	ssize_t n = getxattr(path, LFS_XATTR_LOV, lum, sizeof(lum));
	if (n < 0) {
		if (errno == ENODATA) {
			/* lfs: a file without a layout (O_LOV_DELAY_CREATE, mknod) */
			printf("%s has no stripe info\n", path);
			return 0;
		}
		return fail("get layout of", path, -errno);
	}
	if (n < LFS_LOV_V1_SIZE)
		return fail("get layout of", path, -EPROTO);
	__u32 magic = get_u32(lum), pattern = get_u32(lum + 4), size = get_u32(lum + 24);
	int count = (__s16)get_u16(lum + 28);
	char pool[LFS_LOV_POOL_SIZE + 1] = "";
	if (magic == LFS_LOV_MAGIC_V3 && n >= LFS_LOV_V3_SIZE) {
		memcpy(pool, lum + 32, LFS_LOV_POOL_SIZE);
		pool[LFS_LOV_POOL_SIZE] = '\0';
	}
	const char *pattern_text = (pattern & ~LFS_PATTERN_RELEASED) == LFS_PATTERN_RAID0 ?
		((pattern & LFS_PATTERN_RELEASED) ? "raid0,released" : "raid0") : "unknown";
	switch (only) {
	case 'c': printf("%d\n", count); return 0;
	case 'S': printf("%u\n", size); return 0;
	case 'p': if (pool[0]) printf("%s\n", pool); return 0;
	case 'L': printf("%s\n", pattern_text); return 0;
	default: break;
	}
	if (header)
		printf("%s\n", path);
	printf("lmm_stripe_count:  %d\n", count);
	printf("lmm_stripe_size:   %u\n", size);
	printf("lmm_pattern:       %s\n", pattern_text);
	printf("lmm_layout_gen:    0\n");
	printf("lmm_stripe_offset: -1\n");
	if (pool[0])
		printf("lmm_pool:          %s\n", pool);
	return 0;
}

/* lfs getstripe -m|--mdt-index FILE...: the MDT of each file (LL_IOC_GET_MDTIDX); with -c, -S, -p or -L one field
 * of each file's layout, and with none of them the layout's lines. */
static int getstripe(int argc, char **argv)
{
	static const struct option opts[] = { { "mdt-index", no_argument, NULL, 'm' },
					       { "mdt", no_argument, NULL, 'm' },
					       { NULL, 0, NULL, 0 } };
	static const char *use = "[-m|--mdt-index | -c | -S | -p | -L] FILE...";
	int c, rc = 0, only = 0;
	bool mdt = false;
	while ((c = getopt_long(argc, argv, "mMcSpL", opts, NULL)) != -1) {
		if (c == 'm' || c == 'M')
			mdt = true;
		else if (c == 'c' || c == 'S' || c == 'p' || c == 'L')
			only = c;
		else
			return usage(use);
	}
	if (optind >= argc || (mdt && only != 0))
		return usage(use);
	if (!mdt) {
		for (int i = optind; i < argc; i++) {
			int r = print_layout(argv[i], only == 0, only);
			if (r != 0)
				rc = r;
		}
		return rc;
	}
	for (int i = optind; i < argc; i++) {
		struct lu_fid fid;
		int r = llapi_path2fid(argv[i], &fid);
		int fd = r == 0 ? open(argv[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_PATH) : -1;
		if (r == 0 && fd < 0)
			r = -errno;
		int index = 0;
		if (r == 0) {
			r = llapi_get_mdt_index_by_fid(fd, &fid, &index);
			close(fd);
		}
		if (r < 0) {
			rc = fail("get MDT index of", argv[i], r);
			continue;
		}
		if (argc - optind > 1)
			printf("%s\n", argv[i]);
		printf("%d\n", index);
	}
	return rc;
}

/* ------------------------------------------------------------------ getname */

/*
 * One line of lfs getname (lfs.c print_instance 10054-10090): the client's UUID with -u, else "FSNAME-INSTANCE"
 * (llapi_getname, liblustreapi_util.c 483-501) when -i and -n are both given or both absent, else the instance or
 * the fsname alone; the mount point follows when several paths (or none) were asked for.
 */
static int print_instance(const char *path, const char *shown_mnt, bool opt_instance, bool opt_fsname, bool opt_uuid)
{
	struct hsmsim_cluster c;
	int rc = hsmsim_cluster_of_path(path, &c, NULL, 0);
	struct hsmsim_reply r = { 0 };
	if (rc == 0) {
		struct hsmsim_msg m;
		hsmsim_msg_init(&m, "CLIENT");
		hsmsim_msg_str(&m, "mount", c.mnt);
		rc = hsmsim_call(&c, &m, &r);
		hsmsim_msg_free(&m);
	}
	if (rc != 0) {
		fprintf(stderr, "cannot get instance for '%s': %s\n", path, strerror(-rc));
		return rc;
	}
	const char *uuid = hsmsim_reply_get(&r, "uuid"), *instance = hsmsim_reply_get(&r, "instance");
	char name[PATH_MAX];
	if (opt_uuid)
		snprintf(name, sizeof(name), "%s", uuid ? uuid : "");
	else if (opt_fsname == opt_instance)
		snprintf(name, sizeof(name), "%s-%s", c.fsname, instance ? instance : "");
	else if (opt_fsname)
		snprintf(name, sizeof(name), "%s", c.fsname);
	else
		snprintf(name, sizeof(name), "%s", instance ? instance : "");
	hsmsim_reply_free(&r);
	if (shown_mnt != NULL)
		printf("%s %s\n", name, shown_mnt);
	else
		printf("%s\n", name);
	return 0;
}

#define GETNAME_MAX_MOUNTS 64

struct getname_mounts {
	char paths[GETNAME_MAX_MOUNTS][PATH_MAX];
	int count;
};

/* Collects the mount points first: print_instance looks each one up again, which takes the mount table's lock. */
static int getname_collect(const char *mountpoint, const struct hsmsim_cluster *c, void *arg)
{
	(void)c;
	struct getname_mounts *all = arg;
	if (all->count < GETNAME_MAX_MOUNTS && strlen(mountpoint) < PATH_MAX)
		strcpy(all->paths[all->count++], mountpoint);
	return 0;
}

/* lfs getname [-i|--instance] [-n|--fsname] [-u|--uuid] [PATH...] (lfs.c lfs_getname 10092-10152) */
static int getname(int argc, char **argv)
{
	static const struct option opts[] = { { "instance", no_argument, NULL, 'i' },
					       { "fsname", no_argument, NULL, 'n' },
					       { "uuid", no_argument, NULL, 'u' },
					       { "help", no_argument, NULL, 'h' },
					       { NULL, 0, NULL, 0 } };
	bool opt_instance = false, opt_fsname = false, opt_uuid = false;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "hinu", opts, NULL)) != -1) {
		if (c == 'i')
			opt_instance = true;
		else if (c == 'n')
			opt_fsname = true;
		else if (c == 'u')
			opt_uuid = true;
		else
			return usage("[--help|-h] [--instance|-i] [--fsname|-n] [--uuid|-u] [PATH ...]");
	}
	if (optind == argc) {
		/* no paths: every Lustre mount, each line followed by its mount point */
		static struct getname_mounts all;
		int r = hsmsim_each_mount(getname_collect, &all);
		if (r < 0)
			return -r;
		for (int i = 0; i < all.count; i++) {
			int p = print_instance(all.paths[i], all.paths[i], opt_instance, opt_fsname, opt_uuid);
			if (rc == 0)
				rc = p;
		}
		return -rc;
	}
	bool with_mnt = argc - optind != 1;
	for (; optind < argc; optind++) {
		int r = print_instance(argv[optind], with_mnt ? argv[optind] : NULL, opt_instance, opt_fsname,
				       opt_uuid);
		if (rc == 0)
			rc = r;
	}
	return -rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: lfs COMMAND [ARGS]\ncommands: hsm_archive hsm_restore hsm_release hsm_remove "
				"hsm_cancel hsm_state hsm_action hsm_set hsm_clear path2fid fid2path data_version changelog "
				"changelog_clear mkdir setdirstripe getdirstripe mdts getstripe setstripe getname\n");
		return 22;
	}
	command = argv[1];
	argc--;
	argv++;
	int rc;
	if (strcmp(command, "hsm_archive") == 0)
		rc = hsm_request_command(argc, argv, HUA_ARCHIVE);
	else if (strcmp(command, "hsm_restore") == 0)
		rc = hsm_request_command(argc, argv, HUA_RESTORE);
	else if (strcmp(command, "hsm_release") == 0)
		rc = hsm_request_command(argc, argv, HUA_RELEASE);
	else if (strcmp(command, "hsm_remove") == 0)
		rc = hsm_request_command(argc, argv, HUA_REMOVE);
	else if (strcmp(command, "hsm_cancel") == 0)
		rc = hsm_request_command(argc, argv, HUA_CANCEL);
	else if (strcmp(command, "hsm_state") == 0)
		rc = hsm_state(argc, argv);
	else if (strcmp(command, "hsm_action") == 0)
		rc = hsm_action(argc, argv);
	else if (strcmp(command, "hsm_set") == 0)
		rc = hsm_set_clear(argc, argv, true);
	else if (strcmp(command, "hsm_clear") == 0)
		rc = hsm_set_clear(argc, argv, false);
	else if (strcmp(command, "path2fid") == 0)
		rc = path2fid(argc, argv);
	else if (strcmp(command, "fid2path") == 0)
		rc = fid2path(argc, argv);
	else if (strcmp(command, "data_version") == 0)
		rc = data_version(argc, argv);
	else if (strcmp(command, "changelog") == 0)
		rc = changelog(argc, argv);
	else if (strcmp(command, "changelog_clear") == 0)
		rc = changelog_clear(argc, argv);
	else if (strcmp(command, "mkdir") == 0 || strcmp(command, "setdirstripe") == 0)
		rc = dir_create(argc, argv);
	else if (strcmp(command, "getdirstripe") == 0)
		rc = getdirstripe(argc, argv);
	else if (strcmp(command, "mdts") == 0)
		rc = mdts(argc, argv);
	else if (strcmp(command, "getstripe") == 0)
		rc = getstripe(argc, argv);
	else if (strcmp(command, "setstripe") == 0)
		rc = setstripe(argc, argv);
	else if (strcmp(command, "getname") == 0)
		rc = getname(argc, argv);
	else {
		fprintf(stderr, "lfs: unknown command '%s'\n", command);
		return 22;
	}
	return rc == 0 ? 0 : (rc > 255 ? 1 : rc);
}

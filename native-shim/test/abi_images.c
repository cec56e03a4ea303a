/*
 * abi_images: binary images of the Lustre HSM structures, built from include/hsmsim_lustre_abi.h only,
 * for the Java copytool's decoder and encoder tests.
 *
 *   abi_images write DIR        write hal.bin, changelog.N.bin, hus.bin, hca.bin into DIR and print,
 *                               on stdout, a manifest (key=value lines) of every field this program set,
 *                               read back from the structs through the header's own accessors
 *   abi_images read-hur FILE    decode an hsm_user_request image written by Java and print its fields
 *   abi_images read-stat FILE   decode a struct stat image written by Java and print its fields
 *
 * The point is independence: this side learns the layout from the C header (compile-time checked against
 * the reference), the Java side from its own reading of the reference. If either misreads the ABI, the
 * tests comparing the two fail. Numbers are printed in unsigned decimal, FIDs as SFID, bytes as lower hex.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lustre/lustreapi.h>

static void die(const char *what)
{
	fprintf(stderr, "abi_images: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL)
		die(path);
	if (fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

static size_t read_file(const char *path, void *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t len;

	if (f == NULL)
		die(path);
	len = fread(buf, 1, cap, f);
	if (ferror(f))
		die(path);
	fclose(f);
	return len;
}

static void print_hex(const char *key, const void *data, size_t len)
{
	const unsigned char *p = data;

	printf("%s=", key);
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static void print_u64(const char *prefix, const char *key, unsigned long long value)
{
	printf("%s%s=%llu\n", prefix, key, value);
}

/* By value: the structs holding FIDs are packed, so their members' addresses may be unaligned. */
static void print_fid(const char *prefix, const char *key, struct lu_fid fid)
{
	printf("%s%s=" SFID "\n", prefix, key, PFID(&fid));
}

static void print_extent(const char *prefix, const char *key, struct hsm_extent he)
{
	printf("%s%s.offset=%llu\n", prefix, key, (unsigned long long)he.offset);
	printf("%s%s.length=%llu\n", prefix, key, (unsigned long long)he.length);
}

static struct lu_fid fid_of(__u64 seq, __u32 oid, __u32 ver)
{
	struct lu_fid fid = { .f_seq = seq, .f_oid = oid, .f_ver = ver };

	return fid;
}

/* ---------------------------------------------------------------- hsm_action_list */

struct item_spec {
	__u32 action;
	struct lu_fid fid;
	struct lu_fid dfid;
	__u64 offset;
	__u64 length;
	__u64 cookie;
	__u64 gid;
	const char *data; /* hai_data, not NUL-terminated in the image */
};

static void write_action_list(const char *dir)
{
	/* Data lengths 0, 5, 13 and 8 exercise every padding case of hai_next; "testfs01" (9 bytes with its
	 * NUL) needs 7 bytes of padding before the first item. */
	static const struct item_spec specs[] = {
		{ HSMA_ARCHIVE, { 0x200000401ULL, 0x1, 0x0 }, { 0x200000401ULL, 0x1, 0x0 }, 0, ~0ULL,
		  0x5f000001ULL, 0, "" },
		{ HSMA_RESTORE, { 0x200000402ULL, 0x2a, 0x0 }, { 0x0, 0x0, 0x0 }, 0, ~0ULL, 0x5f000002ULL,
		  0x1234, "hello" },
		{ HSMA_REMOVE, { 0x280000400ULL, 0xffffffffU, 0x7 }, { 0x280000400ULL, 0xffffffffU, 0x7 },
		  4096, 1048576, 0xfedcba9876543210ULL, 0x8000000000000001ULL, "file_id=abc12" },
		{ HSMA_CANCEL, { 0x200000401ULL, 0x1, 0x0 }, { 0x200000401ULL, 0x1, 0x0 }, 0, ~0ULL,
		  0x5f000001ULL, 0, "12345678" },
	};
	const size_t count = sizeof(specs) / sizeof(specs[0]);
	_Alignas(8) static char buf[8192];
	struct hsm_action_list *hal = (struct hsm_action_list *)buf;
	struct hsm_action_item *hai;
	size_t msgsize;

	memset(buf, 0xA5, sizeof(buf)); /* padding is garbage on purpose: decoders must not read it */
	hal->hal_version = HAL_VERSION;
	hal->hal_count = count;
	hal->hal_compound_id = 0x0102030405060708ULL;
	hal->hal_flags = 0x8000000000000004ULL;
	hal->hal_archive_id = 3;
	hal->padding1 = 0;
	strcpy(hal->hal_fsname, "testfs01");

	hai = hai_first(hal);
	for (size_t i = 0; i < count; i++) {
		size_t datalen = strlen(specs[i].data);

		hai->hai_len = sizeof(*hai) + datalen;
		hai->hai_action = specs[i].action;
		hai->hai_fid = specs[i].fid;
		hai->hai_dfid = specs[i].dfid;
		hai->hai_extent.offset = specs[i].offset;
		hai->hai_extent.length = specs[i].length;
		hai->hai_cookie = specs[i].cookie;
		hai->hai_gid = specs[i].gid;
		memcpy(hai->hai_data, specs[i].data, datalen);
		hai = hai_next(hai);
	}
	msgsize = (char *)hai - buf; /* what the kernel's hal_size() gives: the last item padded too */
	write_file(dir, "hal.bin", buf, msgsize);

	/* The manifest is read back from the image, walking it the way liblustreapi does. */
	print_u64("", "hal.msgsize", msgsize);
	print_u64("", "hal.version", hal->hal_version);
	print_u64("", "hal.count", hal->hal_count);
	print_u64("", "hal.compound_id", hal->hal_compound_id);
	print_u64("", "hal.flags", hal->hal_flags);
	print_u64("", "hal.archive_id", hal->hal_archive_id);
	printf("hal.fsname=%s\n", hal->hal_fsname);
	hai = hai_first(hal);
	for (unsigned int i = 0; i < hal->hal_count; i++) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "hal.item.%u.", i);
		print_u64(prefix, "position", (char *)hai - buf);
		print_u64(prefix, "len", hai->hai_len);
		print_u64(prefix, "action", hai->hai_action);
		print_fid(prefix, "fid", hai->hai_fid);
		print_fid(prefix, "dfid", hai->hai_dfid);
		print_extent(prefix, "extent", hai->hai_extent);
		print_u64(prefix, "cookie", hai->hai_cookie);
		print_u64(prefix, "gid", hai->hai_gid);
		printf("%s", prefix);
		print_hex("data", hai->hai_data, hai->hai_len - sizeof(*hai));
		printf("%s", prefix);
		print_hex("raw", hai, hai->hai_len);
		hai = hai_next(hai);
	}
}

/* ---------------------------------------------------------------- changelog_rec */

struct changelog_spec {
	__u32 type;
	__u16 flags; /* per-type flags and CLF_* extension bits */
	__u64 index;
	__u64 prev;
	__u64 time;
	struct lu_fid tfid;
	struct lu_fid pfid;
	struct lu_fid sfid;  /* CLF_RENAME only */
	struct lu_fid spfid; /* CLF_RENAME only */
	const char *jobid;   /* CLF_JOBID only */
	__u64 extra_flags;   /* CLF_EXTRA_FLAGS only; 0: names no further extension */
	const char *name;
	const char *sname; /* a rename's old name, stored after the new name's NUL; NULL: none */
};

static void write_changelog(const char *dir, unsigned int n, const struct changelog_spec *spec)
{
	_Alignas(8) char buf[1024];
	struct changelog_rec *rec = (struct changelog_rec *)buf;
	char *ext = buf + sizeof(*rec);
	struct changelog_ext_rename *rnm = NULL;
	struct changelog_ext_jobid *jid = NULL;
	struct changelog_ext_extra_flags *ef = NULL;
	char key[32], file[32];
	size_t len;

	memset(buf, 0x5A, sizeof(buf));
	size_t tlen = strlen(spec->name), slen = spec->sname != NULL ? strlen(spec->sname) : 0;
	rec->cr_namelen = tlen + (spec->sname != NULL ? 1 + slen : 0);
	rec->cr_flags = spec->flags;
	rec->cr_type = spec->type;
	rec->cr_index = spec->index;
	rec->cr_prev = spec->prev;
	rec->cr_time = spec->time;
	rec->cr_tfid = spec->tfid;
	rec->cr_pfid = spec->pfid;
	/* Extensions in the order Lustre lays them out: rename, jobid, extra flags; then the name. */
	if (spec->flags & CLF_RENAME) {
		rnm = (struct changelog_ext_rename *)ext;
		rnm->cr_sfid = spec->sfid;
		rnm->cr_spfid = spec->spfid;
		ext += sizeof(*rnm);
	}
	if (spec->flags & CLF_JOBID) {
		jid = (struct changelog_ext_jobid *)ext;
		memset(jid->cr_jobid, 0, sizeof(jid->cr_jobid));
		strncpy(jid->cr_jobid, spec->jobid, sizeof(jid->cr_jobid) - 1);
		ext += sizeof(*jid);
	}
	if (spec->flags & CLF_EXTRA_FLAGS) {
		ef = (struct changelog_ext_extra_flags *)ext;
		ef->cr_extra_flags = spec->extra_flags;
		ext += sizeof(*ef);
	}
	memcpy(ext, spec->name, tlen);
	if (spec->sname != NULL) {
		ext[tlen] = '\0';
		memcpy(ext + tlen + 1, spec->sname, slen);
	}
	len = ext + rec->cr_namelen - buf;
	snprintf(file, sizeof(file), "changelog.%u.bin", n);
	write_file(dir, file, buf, len);

	snprintf(key, sizeof(key), "cl.%u.", n);
	print_u64(key, "size", len);
	print_u64(key, "namelen", rec->cr_namelen);
	print_u64(key, "flags", rec->cr_flags);
	print_u64(key, "type", rec->cr_type);
	print_u64(key, "index", rec->cr_index);
	print_u64(key, "prev", rec->cr_prev);
	print_u64(key, "time", rec->cr_time);
	print_fid(key, "tfid", rec->cr_tfid);
	print_fid(key, "pfid", rec->cr_pfid);
	if (rnm != NULL) {
		print_fid(key, "sfid", rnm->cr_sfid);
		print_fid(key, "spfid", rnm->cr_spfid);
	}
	if (jid != NULL)
		printf("%sjobid=%s\n", key, jid->cr_jobid);
	if (ef != NULL)
		print_u64(key, "extra_flags", ef->cr_extra_flags);
	printf("%sname=%.*s\n", key, (int)tlen, ext);
	if (spec->sname != NULL)
		printf("%ssname=%.*s\n", key, (int)slen, ext + tlen + 1);
}

static void write_changelogs(const char *dir)
{
	const struct changelog_spec specs[] = {
		/* every extension, and a per-type flag (CLF_RENAME_LAST) in the low bits */
		{ .type = CL_RENAME,
		  .flags = CLF_VERSION | CLF_RENAME | CLF_JOBID | CLF_EXTRA_FLAGS | CLF_RENAME_LAST,
		  .index = 1001,
		  .prev = 0,
		  .time = 0x1d9a1b2c3d4e5f60ULL,
		  .tfid = fid_of(0x200000402ULL, 0x10, 0),
		  .pfid = fid_of(0x200000007ULL, 0x1, 0),
		  .sfid = fid_of(0x200000402ULL, 0x11, 0),
		  .spfid = fid_of(0x200000007ULL, 0x2, 0),
		  .jobid = "dd.1000",
		  .extra_flags = 0,
		  .name = "new-name.dat",
		  .sname = "old-name.dat" },
		/* no extension at all */
		{ .type = CL_CREATE,
		  .flags = CLF_VERSION,
		  .index = 1002,
		  .prev = 1001,
		  .time = 1234567890ULL,
		  .tfid = fid_of(0x200000402ULL, 0x12, 0),
		  .pfid = fid_of(0x200000007ULL, 0x1, 0),
		  .name = "a" },
		/* jobid without rename: the jobid must be found right after the header */
		{ .type = CL_HSM,
		  .flags = CLF_VERSION | CLF_JOBID | ((5u << CLF_HSM_ERR_L) | (HE_RESTORE << CLF_HSM_EVENT_L) |
						      (CLF_HSM_DIRTY << CLF_HSM_FLAG_L)),
		  .index = 1003,
		  .prev = 1002,
		  .time = 42,
		  .tfid = fid_of(0x200000402ULL, 0x13, 0),
		  .pfid = fid_of(0, 0, 0),
		  .jobid = "lhsmtool_posix.0",
		  .name = "" },
	};

	for (unsigned int i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		write_changelog(dir, i, &specs[i]);
	print_u64("", "cl.count", sizeof(specs) / sizeof(specs[0]));
}

/* ---------------------------------------------------------------- hsm_user_state, hsm_current_action */

static void write_user_state(const char *dir)
{
	struct hsm_user_state hus = {
		.hus_states = HS_EXISTS | HS_ARCHIVED | HS_RELEASED | HS_NORELEASE,
		.hus_archive_id = 7,
		.hus_in_progress_state = HPS_RUNNING,
		.hus_in_progress_action = HUA_RESTORE,
		.hus_in_progress_location = { .offset = 65536, .length = 1 << 20 },
	};

	write_file(dir, "hus.bin", &hus, sizeof(hus));
	print_u64("", "hus.states", hus.hus_states);
	print_u64("", "hus.archive_id", hus.hus_archive_id);
	print_u64("", "hus.in_progress_state", hus.hus_in_progress_state);
	print_u64("", "hus.in_progress_action", hus.hus_in_progress_action);
	print_extent("", "hus.location", hus.hus_in_progress_location);
}

static void write_current_action(const char *dir)
{
	struct hsm_current_action hca = {
		.hca_state = HPS_WAITING,
		.hca_action = HUA_ARCHIVE,
		.hca_location = { .offset = 0, .length = ~0ULL },
	};

	write_file(dir, "hca.bin", &hca, sizeof(hca));
	print_u64("", "hca.state", hca.hca_state);
	print_u64("", "hca.action", hca.hca_action);
	print_extent("", "hca.location", hca.hca_location);
}

/* ---------------------------------------------------------------- images written by Java */

static int read_user_request(const char *path)
{
	_Alignas(8) static char buf[65536];
	struct hsm_user_request *hur = (struct hsm_user_request *)buf;
	size_t len = read_file(path, buf, sizeof(buf));

	if (len < sizeof(*hur)) {
		fprintf(stderr, "abi_images: %s: %zu bytes, shorter than hsm_request\n", path, len);
		return 1;
	}
	print_u64("", "hur.size", len);
	print_u64("", "hur.len", hur_len(hur));
	print_u64("", "hur.action", hur->hur_request.hr_action);
	print_u64("", "hur.archive_id", hur->hur_request.hr_archive_id);
	print_u64("", "hur.flags", hur->hur_request.hr_flags);
	print_u64("", "hur.itemcount", hur->hur_request.hr_itemcount);
	print_u64("", "hur.data_len", hur->hur_request.hr_data_len);
	if ((size_t)hur_len(hur) > len) {
		fprintf(stderr, "abi_images: %s: hur_len %zd exceeds the %zu bytes written\n", path,
			hur_len(hur), len);
		return 1;
	}
	for (unsigned int i = 0; i < hur->hur_request.hr_itemcount; i++) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "hur.item.%u.", i);
		print_fid(prefix, "fid", hur->hur_user_item[i].hui_fid);
		print_extent(prefix, "extent", hur->hur_user_item[i].hui_extent);
	}
	print_hex("hur.data", hur_data(hur), hur->hur_request.hr_data_len);
	return 0;
}

static int read_stat(const char *path)
{
	struct stat st;
	size_t len = read_file(path, &st, sizeof(st));

	print_u64("", "stat.sizeof", sizeof(st));
	print_u64("", "stat.size_read", len);
	print_u64("", "stat.mode", st.st_mode);
	print_u64("", "stat.uid", st.st_uid);
	print_u64("", "stat.gid", st.st_gid);
	print_u64("", "stat.size", (unsigned long long)st.st_size);
	print_u64("", "stat.atime", (unsigned long long)st.st_atim.tv_sec);
	print_u64("", "stat.atime_ns", (unsigned long long)st.st_atim.tv_nsec);
	print_u64("", "stat.mtime", (unsigned long long)st.st_mtim.tv_sec);
	print_u64("", "stat.mtime_ns", (unsigned long long)st.st_mtim.tv_nsec);
	print_u64("", "stat.ctime", (unsigned long long)st.st_ctim.tv_sec);
	print_u64("", "stat.nlink", st.st_nlink);
	print_u64("", "stat.blksize", (unsigned long long)st.st_blksize);
	print_u64("", "stat.blocks", (unsigned long long)st.st_blocks);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "write") == 0) {
		write_action_list(argv[2]);
		write_changelogs(argv[2]);
		write_user_state(argv[2]);
		write_current_action(argv[2]);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "read-hur") == 0)
		return read_user_request(argv[2]);
	if (argc == 3 && strcmp(argv[1], "read-stat") == 0)
		return read_stat(argv[2]);
	fprintf(stderr, "usage: abi_images write DIR | read-hur FILE | read-stat FILE\n");
	return 2;
}
